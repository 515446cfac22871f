/**
 * The demo catalog `npm start` serves: invented films and series across genres,
 * maturity levels, regions and availability windows. Pure data plus a deterministic
 * expansion (tools/seed/generate.ts), so tests and the dev site see the same thing.
 */

export interface DemoTitle {
  title: string;
  originalTitle?: string;
  type: "movie" | "series";
  year: number;
  genres: string[];
  maturity: 0 | 7 | 13 | 16 | 18;
  language?: string;
  tagline: string;
  description: string;
  /** Seasons × episodes for series. */
  seasons?: number[];
  /** Regions ("WW" = worldwide); default worldwide. */
  regions?: string[];
  /** Availability window relative to seeding time, in days; default: since a year ago, no end. */
  window?: { startDays: number; endDays?: number };
  popularity: number;
}

export const DEMO_GENRES = [
  "Action", "Adventure", "Animation", "Comedy", "Crime", "Documentary", "Drama", "Family",
  "Fantasy", "Horror", "Mystery", "Romance", "Science Fiction", "Thriller", "Western",
] as const;

/**
 * The demo genres' names in the interface's languages (genre_localisations), so
 * chips, filters and genre rows read in the viewer's language; a locale without
 * an entry falls back to English (catalog/genre-names.ts).
 */
export const DEMO_GENRE_NAMES: Record<(typeof DEMO_GENRES)[number], Record<"es" | "fr" | "de" | "ja" | "ar", string>> = {
  Action: { es: "Acción", fr: "Action", de: "Action", ja: "アクション", ar: "أكشن" },
  Adventure: { es: "Aventura", fr: "Aventure", de: "Abenteuer", ja: "アドベンチャー", ar: "مغامرة" },
  Animation: { es: "Animación", fr: "Animation", de: "Animation", ja: "アニメーション", ar: "رسوم متحركة" },
  Comedy: { es: "Comedia", fr: "Comédie", de: "Komödie", ja: "コメディ", ar: "كوميديا" },
  Crime: { es: "Crimen", fr: "Policier", de: "Krimi", ja: "犯罪", ar: "جريمة" },
  Documentary: { es: "Documental", fr: "Documentaire", de: "Dokumentarfilm", ja: "ドキュメンタリー", ar: "وثائقي" },
  Drama: { es: "Drama", fr: "Drame", de: "Drama", ja: "ドラマ", ar: "دراما" },
  Family: { es: "Familia", fr: "Familial", de: "Familie", ja: "ファミリー", ar: "عائلي" },
  Fantasy: { es: "Fantasía", fr: "Fantastique", de: "Fantasy", ja: "ファンタジー", ar: "فانتازيا" },
  Horror: { es: "Terror", fr: "Horreur", de: "Horror", ja: "ホラー", ar: "رعب" },
  Mystery: { es: "Misterio", fr: "Mystère", de: "Mystery", ja: "ミステリー", ar: "غموض" },
  Romance: { es: "Romance", fr: "Romance", de: "Liebesfilm", ja: "ロマンス", ar: "رومانسي" },
  "Science Fiction": { es: "Ciencia ficción", fr: "Science-fiction", de: "Science-Fiction", ja: "SF", ar: "خيال علمي" },
  Thriller: { es: "Suspense", fr: "Thriller", de: "Thriller", ja: "スリラー", ar: "إثارة" },
  Western: { es: "Western", fr: "Western", de: "Western", ja: "西部劇", ar: "غربي" },
};

export const DEMO_TITLES: DemoTitle[] = [
  { title: "The Lighthouse Keeper's Daughter", type: "movie", year: 2021, genres: ["Drama", "Romance"], maturity: 13, tagline: "Every light guides someone home.", description: "On a storm-battered island, a keeper's daughter finds letters that rewrite her family's past and the shipwreck that made it.", popularity: 0.82 },
  { title: "Orbitfall", type: "movie", year: 2024, genres: ["Science Fiction", "Thriller"], maturity: 13, tagline: "Gravity always wins.", description: "A salvage crew has ninety minutes to stop a derelict station from dropping onto the city below.", popularity: 0.95 },
  { title: "Amélie of the Canals", originalTitle: "Amélie des canaux", type: "movie", year: 2019, genres: ["Comedy", "Romance"], maturity: 7, language: "fr", tagline: "Small kindnesses, big ripples.", description: "A shy boat mechanic on the canals of Lyon secretly fixes the lives of her neighbours — until one of them notices.", popularity: 0.74 },
  { title: "Spider-Lily", type: "movie", year: 2022, genres: ["Mystery", "Thriller"], maturity: 16, tagline: "Some flowers bloom only for the dead.", description: "A botanist called to a crime scene recognises a rare flower and the signature of a killer thought long gone.", popularity: 0.71 },
  { title: "Harbour Lights", type: "series", year: 2018, genres: ["Crime", "Drama"], maturity: 16, tagline: "The tide brings everything back.", description: "A detective returns to her hometown port and finds every case tangled with the family she left behind.", seasons: [8, 8, 6], popularity: 0.9 },
  { title: "The Clockmaker's Apprentice", type: "series", year: 2020, genres: ["Fantasy", "Family", "Adventure"], maturity: 7, tagline: "Time is a craft.", description: "An orphan apprenticed to a reclusive clockmaker learns that each clock in the workshop keeps a different century.", seasons: [10, 10], popularity: 0.86 },
  { title: "Dust & Iron", type: "movie", year: 2016, genres: ["Western", "Action"], maturity: 16, tagline: "The railroad stops for no one.", description: "A railway surveyor and a bounty hunter cross a drought-struck territory to stop a land grab.", popularity: 0.58 },
  { title: "Little Comet", type: "movie", year: 2023, genres: ["Animation", "Family", "Comedy"], maturity: 0, tagline: "Even comets get homesick.", description: "A tiny comet falls into a village pond and must find its way back to the sky before the summer ends.", popularity: 0.88 },
  { title: "Night Shift at Bellwood", type: "series", year: 2021, genres: ["Horror", "Mystery"], maturity: 18, tagline: "Visiting hours are over.", description: "The new night nurse at a closing hospital starts receiving calls from a ward that was sealed forty years ago.", seasons: [6, 6], popularity: 0.77 },
  { title: "Kitchen Confidential Club", type: "series", year: 2022, genres: ["Comedy", "Drama"], maturity: 13, tagline: "Yes, chef.", description: "Four line cooks pool their savings to buy the restaurant that fired them.", seasons: [8, 8, 8, 6], popularity: 0.8 },
  { title: "Wild Atlas", type: "series", year: 2019, genres: ["Documentary", "Family"], maturity: 0, tagline: "The planet, up close.", description: "A journey across seven ecosystems, following the animals that shape them through a single year.", seasons: [6, 6], popularity: 0.69 },
  { title: "The Last Cartographer", type: "movie", year: 2015, genres: ["Adventure", "Drama"], maturity: 13, tagline: "Some places refuse to be found.", description: "An ageing mapmaker sets out to chart the one valley that has never appeared on any map.", popularity: 0.55 },
  { title: "Zero Day Sonata", type: "movie", year: 2020, genres: ["Thriller", "Crime"], maturity: 16, tagline: "The network is the orchestra.", description: "A concert pianist discovers her recitals are being used to trigger a cyberattack.", popularity: 0.66 },
  { title: "Paper Moons", type: "movie", year: 2012, genres: ["Romance", "Drama"], maturity: 13, tagline: "Love, folded twice.", description: "Two origami artists on opposite sides of the world fall in love through the pieces they mail each other.", popularity: 0.49 },
  { title: "Red Canyon Rescue", type: "series", year: 2023, genres: ["Action", "Adventure"], maturity: 13, tagline: "Every minute counts.", description: "An elite mountain rescue team works the most dangerous canyon system in the country.", seasons: [10], popularity: 0.73 },
  { title: "Grandmother's Garden", type: "movie", year: 2018, genres: ["Family", "Drama"], maturity: 0, tagline: "What we plant, stays.", description: "Three siblings spend one last summer tending their grandmother's garden before the house is sold.", popularity: 0.52 },
  { title: "Mirror Protocol", type: "series", year: 2024, genres: ["Science Fiction", "Thriller"], maturity: 16, tagline: "Trust your reflection.", description: "Agents swap bodies with their digital twins — and some twins do not want to give them back.", seasons: [8, 8], popularity: 0.93 },
  { title: "The Honest Thief", type: "movie", year: 2010, genres: ["Crime", "Comedy"], maturity: 13, tagline: "He only steals what is already stolen.", description: "A retired pickpocket returns every wallet he lifted, one heist at a time.", popularity: 0.61 },
  { title: "Frostbound", type: "movie", year: 2017, genres: ["Adventure", "Thriller"], maturity: 13, tagline: "The cold keeps secrets.", description: "A research team trapped in Antarctica finds a second station that is not on any record.", popularity: 0.64 },
  { title: "Jazz on Juniper Street", type: "movie", year: 1998, genres: ["Drama", "Romance"], maturity: 7, tagline: "Every night, one more song.", description: "A jazz club on its last legs hires a teenage trumpeter who plays like someone from another era.", popularity: 0.45 },
  { title: "Monsters of the Deep Blue", type: "series", year: 2016, genres: ["Documentary"], maturity: 7, tagline: "Meet the abyss.", description: "Submersible crews descend to the deepest trenches on Earth in search of animals never filmed before.", seasons: [5, 5, 5], popularity: 0.6 },
  { title: "Hollow Crown Academy", type: "series", year: 2022, genres: ["Fantasy", "Drama"], maturity: 13, tagline: "Heirs are made, not born.", description: "Students at a school for the children of deposed monarchs scheme to reclaim their thrones.", seasons: [10, 10], popularity: 0.84 },
  { title: "The Quiet Hours", type: "movie", year: 2014, genres: ["Horror"], maturity: 18, tagline: "Don't make a sound.", description: "A family in a farmhouse realises that the silence around them is listening.", popularity: 0.67 },
  { title: "Salt and Saffron", type: "movie", year: 2021, genres: ["Comedy", "Romance"], maturity: 7, language: "es", originalTitle: "Sal y azafrán", tagline: "A recipe for trouble.", description: "Rival paella cooks in Valencia are forced to share a kitchen for the city's biggest festival.", popularity: 0.63 },
  { title: "Signal Lost", type: "movie", year: 2009, genres: ["Science Fiction", "Mystery"], maturity: 13, tagline: "Someone is still broadcasting.", description: "A radio astronomer picks up a transmission using her own voice, dated ten years in the future.", popularity: 0.57 },
  { title: "Pip & the Puddle Jumpers", type: "series", year: 2020, genres: ["Animation", "Family"], maturity: 0, tagline: "Splash first, ask later.", description: "Pip the frog and friends turn every rainy day into an adventure.", seasons: [12, 12], popularity: 0.79 },
  { title: "Iron Harvest", type: "movie", year: 2019, genres: ["Action", "Drama"], maturity: 16, tagline: "The land remembers.", description: "A farmer ploughing her field unearths a weapon that three governments want back.", popularity: 0.62 },
  { title: "North of Nowhere", type: "series", year: 2017, genres: ["Drama", "Mystery"], maturity: 16, tagline: "Population 212. Suspects 212.", description: "A small Arctic town closes ranks when a stranger is found frozen in the ice road.", seasons: [6, 6, 6], popularity: 0.74 },
  { title: "Velvet Underground Station", type: "movie", year: 2005, genres: ["Crime", "Thriller"], maturity: 18, tagline: "The last train never arrives.", description: "A transit cop tracks a smuggling ring through the abandoned stations under the city.", popularity: 0.5 },
  { title: "Summer of the Kites", type: "movie", year: 2013, genres: ["Family", "Comedy"], maturity: 0, tagline: "Catch the wind.", description: "A boy and his grandfather build a kite to win the seaside championship their family always loses.", popularity: 0.54 },
  // Region- and window-restricted titles, to exercise the rules.
  { title: "Borderlands Express", type: "movie", year: 2022, genres: ["Action", "Thriller"], maturity: 13, tagline: "Only available where the tracks run.", description: "A courier races a sealed parcel across three borders in one night.", regions: ["US", "CA"], popularity: 0.7 },
  { title: "The Queen's Gambit Club", type: "series", year: 2023, genres: ["Drama"], maturity: 13, tagline: "Every move is remembered.", description: "A London chess club becomes the unlikely centre of a political scandal.", seasons: [6], regions: ["GB", "IE"], popularity: 0.72 },
  { title: "Schwarzwald", type: "series", year: 2021, genres: ["Mystery", "Crime"], maturity: 16, language: "de", originalTitle: "Schwarzwald", tagline: "The forest is watching.", description: "Hikers vanish in the Black Forest, and a village's oldest legend resurfaces.", seasons: [6, 6], regions: ["DE", "AT", "CH"], popularity: 0.68 },
  { title: "Leaving Soon: The Ferryman", type: "movie", year: 2011, genres: ["Drama"], maturity: 13, tagline: "Last crossing at midnight.", description: "A ferryman's final week on the job before the bridge opens.", window: { startDays: -400, endDays: 10 }, popularity: 0.4 },
  { title: "Coming Soon: Starfall Saga", type: "series", year: 2025, genres: ["Fantasy", "Adventure"], maturity: 13, tagline: "Not yet.", description: "An epic that has not premiered: it must not be visible before its window opens.", seasons: [8], window: { startDays: 30 }, popularity: 0.99 },
  { title: "Expired: The Old Mill", type: "movie", year: 1995, genres: ["Drama"], maturity: 7, tagline: "Gone.", description: "A title whose licence has ended: it must not be visible any more.", window: { startDays: -800, endDays: -5 }, popularity: 0.3 },
];

/**
 * The tracks of a demo title's synthetic media (tools/ingest/demo.ts makes them),
 * by its index in DEMO_TITLES: English audio, French as well on every third
 * title, English and French subtitles on every other. The seed's language
 * columns say the same, so the demo catalog promises nothing its media lacks.
 */
export function demoTracks(index: number): { audio: string[]; subtitles: string[] } {
  return { audio: index % 3 === 0 ? ["en", "fr"] : ["en"], subtitles: index % 2 === 0 ? ["en", "fr"] : [] };
}

export const FIRST_NAMES = ["Ava", "Noah", "Mira", "Luca", "Sofia", "Kenji", "Amara", "Jonas", "Léa", "Mateo", "Ingrid", "Omar", "Chloé", "Ravi", "Elena", "Tomás", "Yuki", "Hannah", "Idris", "Zoë", "Felix", "Nadia", "Oscar", "Priya"];
export const LAST_NAMES = ["Okafor", "Lindqvist", "Moreau", "Castillo", "Nakamura", "Brennan", "Haddad", "Kowalski", "Silva", "Achterberg", "Dubois", "Fernández", "Novak", "Rahman", "O'Neill", "Varga", "Sato", "Müller", "Adeyemi", "Costa"];
export const CHARACTER_NAMES = ["Captain Reyes", "Dr. Hale", "Mags", "The Stranger", "Inspector Vance", "Old Tom", "Juniper", "Ellis", "Mayor Quinn", "Ada", "Bram", "Sister Agnes", "Kit", "Marlow", "Nell", "Rook"];
export const CREW_JOBS = ["Director", "Writer", "Producer", "Composer", "Director of Photography", "Editor"];
export const EPISODE_WORDS = ["Arrival", "Undertow", "The Long Night", "Ashes", "Crossing", "Reckoning", "First Light", "Fault Lines", "The Visitor", "Harvest", "Low Tide", "Echoes", "Thaw", "Homecoming", "Blind Spot", "Keepsake", "Signal", "Tinder", "Open Water", "The Bargain", "Last Call", "Embers", "Vigil", "Threshold"];

/** One locale's texts of a demo title (any field may be missing: readers fall back per field). */
export interface DemoTranslation {
  title?: string;
  /**
   * How `title` is read, in kana, where it is written in kanji (Japanese yomi): its
   * A–Z key, so 彼岸花 files under ひ among the kana titles rather than after all of
   * them by code point. Shown nowhere.
   */
  reading?: string;
  tagline?: string;
  description?: string;
}

/**
 * Localised texts of the demo's most-seen titles, by English title, so the demo
 * shows localised rows, title pages and search (worker/catalog/localise.ts).
 * Some fields are left out on purpose (Spider-Lily has no Arabic tagline, the
 * French-Canadian Orbitfall only a title) to show the per-field fallback chain.
 */
export const DEMO_TRANSLATIONS: Record<string, Record<string, DemoTranslation>> = {
  Orbitfall: {
    es: { title: "Caída orbital", tagline: "La gravedad siempre gana.", description: "Una tripulación de rescate tiene noventa minutos para impedir que una estación abandonada caiga sobre la ciudad." },
    fr: { title: "Chute d'orbite", tagline: "La gravité gagne toujours.", description: "Une équipe de récupération a quatre-vingt-dix minutes pour empêcher une station abandonnée de s'écraser sur la ville." },
    "fr-CA": { title: "Tombée orbitale" },
    de: { title: "Orbitsturz", tagline: "Die Schwerkraft gewinnt immer.", description: "Eine Bergungscrew hat neunzig Minuten, um zu verhindern, dass eine verlassene Station auf die Stadt stürzt." },
    ja: { title: "オービットフォール", tagline: "重力は必ず勝つ。", description: "サルベージ船のクルーに残された時間は90分。放棄された宇宙ステーションの都市への落下を阻止せよ。" },
    ar: { title: "السقوط المداري", tagline: "الجاذبية تنتصر دائمًا.", description: "أمام طاقم إنقاذ تسعون دقيقة لمنع محطة مهجورة من السقوط على المدينة." },
  },
  "The Lighthouse Keeper's Daughter": {
    es: { title: "La hija del farero", tagline: "Cada luz guía a alguien a casa." },
    fr: { title: "La Fille du gardien de phare", tagline: "Chaque lumière ramène quelqu'un chez lui." },
    de: { title: "Die Tochter des Leuchtturmwärters", tagline: "Jedes Licht führt jemanden nach Hause." },
    ja: { title: "灯台守の娘", reading: "とうだいもりのむすめ", tagline: "すべての灯りは、誰かを家へ導く。" },
    ar: { title: "ابنة حارس المنارة", tagline: "كل ضوء يرشد أحدًا إلى بيته." },
  },
  "Harbour Lights": {
    es: { title: "Luces del puerto", tagline: "La marea lo devuelve todo." },
    fr: { title: "Les Feux du port", tagline: "La marée ramène tout." },
    de: { title: "Hafenlichter", tagline: "Die Flut bringt alles zurück." },
    ja: { title: "ハーバー・ライツ", tagline: "潮はすべてを連れ戻す。" },
    ar: { title: "أضواء الميناء", tagline: "المدّ يعيد كل شيء." },
  },
  "The Clockmaker's Apprentice": {
    es: { title: "El aprendiz del relojero", tagline: "El tiempo es un oficio." },
    fr: { title: "L'Apprenti horloger", tagline: "Le temps est un art." },
    de: { title: "Der Lehrling des Uhrmachers", tagline: "Zeit ist ein Handwerk." },
    ja: { title: "時計職人の弟子", reading: "とけいしょくにんのでし", tagline: "時間は、技である。" },
    ar: { title: "صبي صانع الساعات", tagline: "الوقت حِرفة." },
  },
  "Amélie of the Canals": {
    es: { title: "Amélie de los canales" },
    de: { title: "Amélie von den Kanälen", tagline: "Kleine Gesten, große Wellen." },
    ja: { title: "運河のアメリ", reading: "うんがのアメリ", tagline: "小さな親切、大きな波紋。" },
    ar: { title: "أميلي القنوات", tagline: "لطف صغير، أثر كبير." },
  },
  "Spider-Lily": {
    es: { title: "Lirio araña", tagline: "Algunas flores solo florecen para los muertos." },
    fr: { title: "Lys araignée", tagline: "Certaines fleurs ne fleurissent que pour les morts." },
    de: { title: "Spinnenlilie", tagline: "Manche Blumen blühen nur für die Toten." },
    ja: { title: "彼岸花", reading: "ひがんばな", tagline: "死者のためだけに咲く花がある。" },
    ar: { title: "زنبق العنكبوت" },
  },
  "Little Comet": {
    es: { title: "Pequeño cometa" },
    fr: { title: "Petite Comète" },
    de: { title: "Kleiner Komet" },
    ja: { title: "ちいさな彗星", reading: "ちいさなすいせい" },
    ar: { title: "المذنّب الصغير" },
  },
  "Salt and Saffron": {
    fr: { title: "Sel et Safran" },
    de: { title: "Salz und Safran" },
    ja: { title: "塩とサフラン", reading: "しおとサフラン" },
    ar: { title: "ملح وزعفران" },
  },
};
