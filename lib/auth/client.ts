// Browser-side sign-in and sign-out, re-exported so only lib/auth imports next-auth.
"use client";
export { signIn, signOut } from "next-auth/react";
