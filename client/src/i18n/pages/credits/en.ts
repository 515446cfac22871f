/**
 * English words of the title page's credits: crew jobs as the catalog stores them
 * (TMDB's job names, "Director", "Original Music Composer"…), each under a stable
 * key that is the name in camel case ("job.originalMusicComposer"):
 * components/crew-job.ts finds a job's key from its name alone, so a page in
 * another locale does not load these words to match a job (an unknown job is
 * shown as it is). The namespace's source: every other locale is typed
 * `Words<typeof en>` (i18n/namespace.ts).
 */
const en = {
  "job.director": "Director",
  "job.writer": "Writer",
  "job.screenplay": "Screenplay",
  "job.story": "Story",
  "job.novel": "Novel",
  "job.characters": "Characters",
  "job.creator": "Creator",
  "job.showrunner": "Showrunner",
  "job.producer": "Producer",
  "job.executiveProducer": "Executive Producer",
  "job.coProducer": "Co-Producer",
  "job.composer": "Composer",
  "job.originalMusicComposer": "Original Music Composer",
  "job.music": "Music",
  "job.directorOfPhotography": "Director of Photography",
  "job.editor": "Editor",
  "job.casting": "Casting",
  "job.productionDesign": "Production Design",
  "job.artDirection": "Art Direction",
  "job.costumeDesign": "Costume Design",
  "job.visualEffectsSupervisor": "Visual Effects Supervisor",
  "job.soundDesigner": "Sound Designer",
};

export default en;
