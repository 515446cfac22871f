/**
 * The frame shared by sign-in and sign-up: a card with a heading, the page's
 * fields, the error line, the submit button and the link to the other page
 * (carrying `?next=`). Someone already signed in is sent on to `next` or home.
 */
import { A, Navigate } from "@solidjs/router";
import { Show, type JSX } from "solid-js";
import { safeNext, session } from "../data/session.ts";
import { FormError } from "./form.tsx";

export function AuthCard(props: {
  heading: string;
  wide?: boolean;
  next: string | undefined;
  error: string;
  pending: boolean;
  submitLabel: string;
  pendingLabel: string;
  switchText: string;
  switchLabel: string;
  switchPath: string;
  onSubmit: (e: SubmitEvent) => void;
  children: JSX.Element;
  footer?: JSX.Element;
}) {
  // Only the session at arrival counts: signing in on this page navigates on its own.
  const signedInAlready = session();
  const switchHref = () => `${props.switchPath}${props.next ? `?next=${encodeURIComponent(props.next)}` : ""}`;
  return (
    <Show when={!signedInAlready} fallback={<Navigate href={safeNext(props.next) ?? "/"} />}>
      <div class="auth-page">
        <form class={`auth-card ${props.wide ? "auth-card-wide" : ""}`} onSubmit={(e) => props.onSubmit(e)} aria-describedby="auth-error">
          <h1>{props.heading}</h1>
          {props.children}
          <FormError id="auth-error" message={props.error} />
          <button class="button button-primary button-wide" type="submit" disabled={props.pending}>
            {props.pending ? props.pendingLabel : props.submitLabel}
          </button>
          <p class="auth-switch">
            {props.switchText} <A href={switchHref()}>{props.switchLabel}</A>
          </p>
          {props.footer}
        </form>
      </div>
    </Show>
  );
}
