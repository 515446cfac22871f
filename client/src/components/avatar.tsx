/**
 * Profile avatars: a small fixed set drawn as inline SVG (no image files, nothing
 * fetched). A profile stores the avatar's id; an unknown id draws the default.
 */
import type { JSX } from "solid-js";

interface AvatarDesign {
  id: string;
  /** Spoken name, for the avatar picker. */
  label: string;
  background: string;
  mark: () => JSX.Element;
}

const W = "#fff";

export const AVATARS: readonly AvatarDesign[] = [
  {
    id: "default",
    label: "Smile",
    background: "#c8101a",
    mark: () => (
      <>
        <circle cx="23" cy="27" r="4.5" fill={W} />
        <circle cx="41" cy="27" r="4.5" fill={W} />
        <path d="M19 38q13 14 26 0" fill="none" stroke={W} stroke-width="5" stroke-linecap="round" />
      </>
    ),
  },
  {
    id: "cat",
    label: "Cat",
    background: "#d9711c",
    mark: () => (
      <>
        <path d="M14 50V18l12 10h12l12-10v32z" fill={W} />
        <circle cx="25" cy="36" r="3.5" fill="#d9711c" />
        <circle cx="39" cy="36" r="3.5" fill="#d9711c" />
        <path d="M29 43h6l-3 3z" fill="#d9711c" />
      </>
    ),
  },
  {
    id: "star",
    label: "Star",
    background: "#b38a00",
    mark: () => <path d="M32 11l6.5 13.6 14.9 2-10.9 10.4 2.7 14.8L32 44.6l-13.2 7.2 2.7-14.8-10.9-10.4 14.9-2z" fill={W} />,
  },
  {
    id: "moon",
    label: "Moon",
    background: "#3b3fb0",
    mark: () => (
      <>
        <path d="M38 12a21 21 0 1 0 14 34A17 17 0 0 1 38 12z" fill={W} />
        <circle cx="47" cy="18" r="2" fill={W} />
      </>
    ),
  },
  {
    id: "bolt",
    label: "Lightning",
    background: "#0c8577",
    mark: () => <path d="M36 9L16 36h13l-4 19 21-28H33z" fill={W} />,
  },
  {
    id: "heart",
    label: "Heart",
    background: "#c2255c",
    mark: () => <path d="M32 52S12 40 12 25a10 10 0 0 1 20-3 10 10 0 0 1 20 3c0 15-20 27-20 27z" fill={W} />,
  },
  {
    id: "leaf",
    label: "Leaf",
    background: "#2f7d2b",
    mark: () => (
      <>
        <path d="M50 12C22 12 13 28 16 48c20 3 36-6 34-36z" fill={W} />
        <path d="M16 48L40 24" stroke="#2f7d2b" stroke-width="3" stroke-linecap="round" />
      </>
    ),
  },
  {
    id: "planet",
    label: "Planet",
    background: "#7440c0",
    mark: () => (
      <>
        <circle cx="32" cy="32" r="13" fill={W} />
        <ellipse cx="32" cy="32" rx="24" ry="7" fill="none" stroke={W} stroke-width="3.5" transform="rotate(-20 32 32)" />
      </>
    ),
  },
];

function design(id: string): AvatarDesign {
  return AVATARS.find((a) => a.id === id) ?? AVATARS[0]!;
}

/** A profile's avatar. Decorative unless `label` is given (the name is usually next to it). */
export function Avatar(props: { id: string; label?: string; class?: string }) {
  const d = () => design(props.id);
  return (
    <svg
      class={`avatar ${props.class ?? ""}`}
      viewBox="0 0 64 64"
      role={props.label ? "img" : undefined}
      aria-label={props.label}
      aria-hidden={props.label ? undefined : "true"}
      data-avatar={d().id}
    >
      <rect width="64" height="64" rx="10" fill={d().background} />
      {d().mark()}
    </svg>
  );
}

/** The header's stand-in while no profile is chosen: a neutral silhouette, not any profile's avatar. */
export function NoProfileAvatar() {
  return (
    <svg class="avatar avatar-none" viewBox="0 0 64 64" aria-hidden="true">
      <rect width="64" height="64" rx="10" fill="#2a2a36" />
      <circle cx="32" cy="25" r="10" fill="#8a8a9a" />
      <path d="M14 54c2-11 9-17 18-17s16 6 18 17z" fill="#8a8a9a" />
    </svg>
  );
}
