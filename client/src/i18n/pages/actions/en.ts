/**
 * English: the title actions' words (My List, rating), loaded with the title actions (components/title-actions.tsx), not with Home.
 * The namespace's source: every other locale is typed `Words<typeof en>` (i18n/namespace.ts).
 */
const en = {
  "actions.myList": "My List",
  "actions.rate": "Rate {{ title }}",
  "actions.notForMe": "Not for me",
  "actions.like": "I like this",
  "actions.love": "Love this!",
  "actions.addFailed": "Could not add it to My List: {{ reason }}",
  "actions.removeFailed": "Could not remove it from My List: {{ reason }}",
  "actions.rateFailed": "Could not save your rating: {{ reason }}",
};

export default en;
