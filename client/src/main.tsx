import { render } from "solid-js/web";
import { App } from "./app.tsx";
import { bootLocale, setLocale } from "./i18n/index.ts";
import "./styles.css";

// The first locale's words before the first render (every dictionary is its own chunk): nothing is drawn from a missing dictionary, no language flashes first.
await setLocale(bootLocale());
render(() => <App />, document.getElementById("root")!);
