import { A } from "@solidjs/router";
import { ApiError } from "../data/api.ts";

/** What a route shows when its data failed: not found, or a retry. */
export function ErrorView(props: { error: unknown; reset?: () => void }) {
  const notFound = () => props.error instanceof ApiError && props.error.status === 404;
  return (
    <div class="error-view" role="alert">
      <h1>{notFound() ? "Not here" : "Something went wrong"}</h1>
      <p>{notFound() ? "This title is not available in your region, or it does not exist." : String((props.error as Error)?.message ?? props.error)}</p>
      <p>
        {props.reset && !notFound() ? <button type="button" onClick={() => props.reset!()}>Try again</button> : null}{" "}
        <A href="/">Back to Home</A>
      </p>
    </div>
  );
}
