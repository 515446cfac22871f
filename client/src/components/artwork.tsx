import { createMemo, Show } from "solid-js";

/** Stable 32-bit hash of a string (FNV-1a), to pick colours per title. */
function hash(input: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < input.length; i++) {
    h ^= input.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function wrap(text: string, maxChars: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if ((line + " " + word).trim().length > maxChars && line) {
      lines.push(line);
      line = word;
    } else line = (line + " " + word).trim();
  }
  if (line) lines.push(line);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = `${kept[maxLines - 1]!.replace(/\W*$/, "")}…`;
    return kept;
  }
  return lines;
}

export interface ArtworkProps {
  id: number;
  title: string;
  kind: "poster" | "backdrop" | "still";
  src?: string | null;
  /** Eager for the hero and first tiles; lazy otherwise. */
  eager?: boolean;
  /** The page's largest image (Home's hero, a title's backdrop): fetched first and painted as soon as decoded. */
  priority?: boolean;
  subtitle?: string;
  /** Leave the name out (the page already shows it over the image). */
  textless?: boolean;
}

/**
 * A title's artwork: the real image when the catalog has one, otherwise a
 * generated poster (the title over a gradient picked from its id).
 */
export function Artwork(props: ArtworkProps) {
  const palette = createMemo(() => {
    const h = hash(`${props.id}:${props.title}`);
    const hue = h % 360;
    return { a: `hsl(${hue} 55% 32%)`, b: `hsl(${(hue + 40 + ((h >> 9) % 80)) % 360} 60% 14%)`, accent: `hsl(${(hue + 180) % 360} 80% 70%)` };
  });
  const size = () => (props.kind === "poster" ? { w: 200, h: 300, chars: 12, lines: 4, font: 24 } : { w: 320, h: 180, chars: 20, lines: 3, font: 22 });
  const lines = createMemo(() => wrap(props.title, size().chars, size().lines));
  const gradientId = () => `g${props.id}-${props.kind}`;
  return (
    <Show
      when={!props.src}
      fallback={
        <img
          class={`art art-${props.kind}`}
          src={props.src!}
          alt=""
          loading={props.eager || props.priority ? "eager" : "lazy"}
          decoding={props.priority ? "auto" : "async"}
          fetchpriority={props.priority ? "high" : undefined}
        />
      }
    >
      <svg class={`art art-${props.kind}`} viewBox={`0 0 ${size().w} ${size().h}`} role="img" aria-label={props.title} preserveAspectRatio="xMidYMid slice">
        <defs>
          <linearGradient id={gradientId()} x1="0" y1="0" x2="1" y2="1">
            <stop offset="0" stop-color={palette().a} />
            <stop offset="1" stop-color={palette().b} />
          </linearGradient>
        </defs>
        <rect width={size().w} height={size().h} fill={`url(#${gradientId()})`} />
        <circle cx={size().w * 0.82} cy={size().h * 0.18} r={size().h * 0.35} fill={palette().accent} opacity="0.12" />
        <rect x="14" y={size().h - 6} width={size().w * 0.3} height="3" fill={palette().accent} opacity="0.8" />
        <Show when={!props.textless}>
        <text x="14" y={props.kind === "poster" ? size().h * 0.62 : size().h * 0.55} fill="#fff" font-family="system-ui, sans-serif" font-weight="800" font-size={String(size().font)}>
          {lines().map((line, i) => (
            <tspan x="14" dy={i === 0 ? 0 : size().font * 1.1}>
              {line}
            </tspan>
          ))}
        </text>
        </Show>
        <Show when={props.subtitle}>
          <text x="14" y={size().h - 16} fill="#ffffffb0" font-family="system-ui, sans-serif" font-size="13">
            {props.subtitle}
          </text>
        </Show>
      </svg>
    </Show>
  );
}
