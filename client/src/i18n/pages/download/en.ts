/**
 * English: the Download button's and the season download's words, loaded with the Download button, the season download and smart downloads, not with Home.
 * The namespace's source: every other locale is typed `Words<typeof en>` (i18n/namespace.ts).
 */
const en = {
  "download.download": "Download",
  "download.done": "Downloaded",
  "download.downloading": "Downloading {{ percent }}",
  "download.paused": "Download paused",
  "download.failed": "Download failed",
  "download.quality": "Download quality",
  "download.standard": "Standard",
  "download.higher": "Higher",
  "download.queued": "Queued",
  "download.season": "Download {{ season }}",
  "download.seasonChoice": { one: "{{ quality }} · {{ count }} episode · {{ size }}", other: "{{ quality }} · {{ count }} episodes · {{ size }}" },
  "download.seasonQueued": { one: "{{ count }} episode queued: it downloads on this device (see Downloads).", other: "{{ count }} episodes queued: they download one after another (see Downloads)." },
  "download.seasonPartly": "{{ queued }} of {{ total }} episodes queued: {{ reason }}",
  "download.seasonHeld": "Every episode of this season is on this device already.",
  "download.smart": "Smart downloads",
  "download.smartHint": "When you finish an episode, it is deleted and the next one downloads the next time you are online.",
};

export default en;
