import { A } from "@solidjs/router";

export default function NotFound() {
  return (
    <div class="error-view">
      <h1>Lost in the credits</h1>
      <p>There is no page at this address.</p>
      <A href="/">Back to Home</A>
    </div>
  );
}
