import { render } from "solid-js/web";
import { App } from "./app.tsx";
import { bootLocale, setLocale } from "./i18n/index.ts";
import { startTvMode } from "./tv/mode.ts";
import "./styles.css";

// TV mode needs no words: <html class="tv"> is set before the dictionary loads, so the first layout is the right one.
startTvMode();

// The first locale's words before the first render (every dictionary is its own chunk): nothing is drawn from a missing dictionary, no language flashes first.
await setLocale(bootLocale());
render(() => <App />, document.getElementById("root")!);
