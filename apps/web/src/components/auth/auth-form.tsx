"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth-client";

/** Email + password through better-auth; a new account gets its own team on the server. */
export function AuthForm({ mode, next }: { mode: "sign-in" | "sign-up"; next: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [isPending, setIsPending] = useState(false);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    setIsPending(true);
    setError(null);
    const result =
      mode === "sign-up"
        ? // callbackURL: a sign-up through an invite link (next = /invite/…) gets no team of its own (auth.ts)
          await authClient.signUp.email({ name: String(form.get("name") ?? "").trim() || email.split("@")[0]!, email, password, callbackURL: next })
        : await authClient.signIn.email({ email, password });
    setIsPending(false);
    if (result.error) return setError(result.error.message ?? "Something went wrong");
    router.push(next);
    router.refresh();
  };
  const isSignUp = mode === "sign-up";
  const other = `${isSignUp ? "/sign-in" : "/sign-up"}${next !== "/" ? `?next=${encodeURIComponent(next)}` : ""}`;
  return (
    <div className="auth-card">
      <h1>{isSignUp ? "Create your Headroom account" : "Sign in to Headroom"}</h1>
      <p className="muted small" style={{ margin: 0 }}>
        {isSignUp
          ? next.startsWith("/invite/") ? "Use the address the invitation was made for; you join that team next." : "Your account starts with its own team; invite teammates from the Team page."
          : "Your team's jobs, uploads and shared checks."}
      </p>
      <form onSubmit={onSubmit}>
        {isSignUp && (
          <div className="field">
            <label className="field-label" htmlFor="name">Name</label>
            <input id="name" name="name" type="text" autoComplete="name" required />
          </div>
        )}
        <div className="field">
          <label className="field-label" htmlFor="email">Email</label>
          <input id="email" name="email" type="email" autoComplete="email" required />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="password">Password</label>
          <input id="password" name="password" type="password" autoComplete={isSignUp ? "new-password" : "current-password"} minLength={8} required />
          {isSignUp && <span className="field-help">At least 8 characters.</span>}
        </div>
        {error && <div className="callout callout-error" role="alert">{error}</div>}
        <button type="submit" className="btn btn-primary" disabled={isPending}>{isPending ? "…" : isSignUp ? "Create account" : "Sign in"}</button>
      </form>
      <div className="foot">
        {isSignUp ? "Already have an account?" : "New here?"} <Link href={other}>{isSignUp ? "Sign in" : "Create an account"}</Link>
      </div>
    </div>
  );
}
