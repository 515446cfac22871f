import { A } from "@solidjs/router";
import { ApiError } from "../data/api.ts";
import { REFUSAL_WORDS } from "../data/errors.ts";

/** What a route shows when its data failed: a refusal that says why (data/errors.ts), not found, or a retry. */
export function ErrorView(props: { error: unknown; reset?: () => void }) {
  const refusal = () => (props.error instanceof ApiError && props.error.code !== "http_error" ? REFUSAL_WORDS[props.error.code] : undefined);
  const notFound = () => props.error instanceof ApiError && props.error.status === 404;
  const final = () => refusal() !== undefined || notFound();
  return (
    <div class="error-view" role="alert" data-code={props.error instanceof ApiError ? props.error.code : undefined}>
      <h1>{refusal()?.title ?? (notFound() ? "Not here" : "Something went wrong")}</h1>
      <p>{refusal()?.message ?? (notFound() ? "This title is not available in your region, or it does not exist." : String((props.error as Error)?.message ?? props.error))}</p>
      <p>
        {props.reset && !final() ? <button type="button" onClick={() => props.reset!()}>Try again</button> : null}{" "}
        <A href="/">Back to Home</A>
      </p>
    </div>
  );
}
