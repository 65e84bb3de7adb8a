"use server";
// Project actions: create and edit (admin only).
import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/actions";
import { createProject as create, updateProject as update } from "@/lib/projects/projects";
import { createProjectInput, updateProjectFormInput } from "@/lib/validation/projects";

export const createProject = defineAction({ input: createProjectInput, role: "admin" }, async (input, actor) => {
  const project = await create(actor, input);
  revalidatePath("/admin/projects");
  return { slug: project.slug };
});

export const updateProject = defineAction({ input: updateProjectFormInput, role: "admin" }, async ({ slug, ...patch }, actor) => {
  const project = await update(actor, slug, patch);
  revalidatePath("/admin/projects");
  revalidatePath(`/admin/projects/${slug}`);
  return { slug: project.slug, updatedAt: project.updatedAt.toISOString() };
});
