import { render } from "solid-js/web";
import { App } from "./app.tsx";
import { registerAppShell } from "./offline/register.ts";
import "./styles.css";

render(() => <App />, document.getElementById("root")!);
registerAppShell();
