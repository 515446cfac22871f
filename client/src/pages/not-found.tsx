import { A } from "@solidjs/router";
import { usePageTitle } from "../components/page-title.ts";

export default function NotFound() {
  usePageTitle(() => "Page not found");
  return (
    <div class="error-view">
      <h1>Lost in the credits</h1>
      <p>There is no page at this address.</p>
      <A href="/">Back to Home</A>
    </div>
  );
}
