/**
 * Form plumbing shared by the account pages: a submit runner that tracks the
 * pending state and a readable error, and the error line itself, which is an
 * always-present live region so screen readers announce each new message.
 */
import { createSignal } from "solid-js";
import { ApiError } from "../data/api.ts";
import { errorText } from "../i18n/pages/errors/index.ts";

/**
 * What to tell a person about a failed request, in the interface language: the
 * words for the Worker's error code (never the server's English message), or
 * that Marquee could not be reached.
 */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return errorText(e.code);
  if (e instanceof TypeError) return errorText("network");
  return errorText("http_error");
}

/** Runs one submission at a time; `error()` holds the last failure's message until the next attempt. */
export function createSubmit() {
  const [pending, setPending] = createSignal(false);
  const [error, setError] = createSignal("");
  async function run<T>(work: () => Promise<T>): Promise<T | undefined> {
    if (pending()) return undefined;
    setPending(true);
    setError("");
    try {
      return await work();
    } catch (e) {
      setError(errorMessage(e));
      return undefined;
    } finally {
      setPending(false);
    }
  }
  return { pending, error, setError, run };
}

/** The error line of a form (empty, and invisible, while there is nothing to say). */
export function FormError(props: { message: string; id?: string }) {
  return (
    <p class="form-error" id={props.id} role="alert">
      {props.message}
    </p>
  );
}

/**
 * Runs saves one after another (a later one never overtakes an earlier one), so
 * optimistic changes reach the server in the order they were made.
 */
export function createSaveQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return function enqueue<T>(work: () => Promise<T>): Promise<T> {
    const result = tail.then(work);
    tail = result.catch(() => {});
    return result;
  };
}
