// The train bench's verdict on PyTorch's BLAS from the libraries its process mapped: Debian's reference libblas3 is
// refused as a baseline, OpenBLAS / MKL / BLIS accepted, anything else unknown (refused too).
import { expect, it } from "vitest";
import { blasVerdict } from "@/tests/helpers/trainer-bench-llama";

it("tells the reference BLAS from optimized ones by the loaded library's path", () => {
  expect(blasVerdict(["/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0"])).toBe("reference");
  expect(blasVerdict(["/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3", "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so"])).toBe("optimized");
  expect(blasVerdict(["/opt/intel/oneapi/mkl/lib/libmkl_rt.so.2"])).toBe("optimized");
  expect(blasVerdict(["/usr/lib/x86_64-linux-gnu/blis-openmp/libblas.so.3"])).toBe("optimized");
  expect(blasVerdict([])).toBe("unknown");
});
