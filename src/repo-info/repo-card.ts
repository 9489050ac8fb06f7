import { parseDocument } from 'yaml';
import { RepoType } from 'src/repo/repo-types';

/** The README's metadata block: `---` on the first line, up to the next line that is `---` (or `...`). */
const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/m;
const EMPTY_FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;
/** Matches the `repo_tags.tag` column. */
export const MAX_TAG_LENGTH = 255;
/** Tags kept per repository; a card listing more is cut here. */
export const MAX_TAGS = 500;
/** Dataset descriptions are a teaser, as on the Hub. */
const MAX_DESCRIPTION_LENGTH = 1000;

/** Card metadata (README front matter) that is a JSON object, as the clients build `*CardData` from it. */
export type CardData = Record<string, unknown>;

export interface ParsedReadme {
  /** The front matter, or null without one (or when it is not valid YAML holding a mapping). */
  data: CardData | null;
  /** The Markdown after the front matter. */
  body: string;
}

/** What the Hub derives from a card: the fields of repo info and listings that come from the README. */
export interface CardFacts {
  cardData: CardData | null;
  /** The card's tags plus the tag-like metadata the Hub folds in (`license:mit`, the library, …). */
  tags: string[];
  /** Models only. */
  pipelineTag: string | null;
  /** Models only. */
  libraryName: string | null;
  /** Spaces: the card's `sdk`, else the one the space was created with. */
  sdk: string | null;
  /** Datasets: the first paragraph of prose. */
  description: string | null;
  /** Datasets: the first BibTeX block. */
  citation: string | null;
}

/** Splits a README into its YAML metadata (as plain JSON data) and its Markdown body. */
export function parseReadme(text: string): ParsedReadme {
  if (EMPTY_FRONT_MATTER.test(text)) {
    return { data: null, body: text.replace(EMPTY_FRONT_MATTER, '') };
  }
  const match = FRONT_MATTER.exec(text);
  if (match === null || match.index !== 0) {
    return { data: null, body: text.replace(/^\uFEFF/, '') };
  }
  return { data: parseMapping(match[1]), body: text.slice(match[0].length) };
}

function parseMapping(yamlText: string): CardData | null {
  try {
    const document = parseDocument(yamlText, { prettyErrors: false });
    if (document.errors.length > 0) {
      return null;
    }
    const value: unknown = document.toJS({ maxAliasCount: 100 });
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return null;
    }
    // A JSON round trip leaves exactly what the API can send (no Infinity, Dates become strings).
    return JSON.parse(JSON.stringify(value)) as CardData;
  } catch {
    return null;
  }
}

/** The string values of a metadata field that may be one value or a list of them. */
export function metadataStrings(value: unknown): string[] {
  const values = Array.isArray(value) ? value : [value];
  return values
    .filter((item): item is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof item))
    .map((item) => String(item).trim())
    .filter((item) => item !== '');
}

function firstString(value: unknown): string | null {
  return metadataStrings(value)[0] ?? null;
}

function prefixed(prefix: string, value: unknown): string[] {
  return metadataStrings(value).map((item) => `${prefix}:${item}`);
}

/** Dataset card fields the Hub turns into `<field>:<value>` tags (the ones `list_datasets` filters by). */
const DATASET_TAG_FIELDS = [
  'task_categories',
  'task_ids',
  'annotations_creators',
  'language_creators',
  'language',
  'multilinguality',
  'size_categories',
  'source_datasets',
] as const;

function modelTags(data: CardData): string[] {
  return [
    ...metadataStrings(data.library_name).slice(0, 1),
    ...metadataStrings(data.tags),
    ...metadataStrings(data.pipeline_tag).slice(0, 1),
    ...metadataStrings(data.language),
    ...prefixed('dataset', data.datasets),
    ...prefixed('base_model', data.base_model),
    ...prefixed('license', data.license),
  ];
}

function datasetTags(data: CardData): string[] {
  return [
    ...metadataStrings(data.tags),
    ...DATASET_TAG_FIELDS.flatMap((field) => prefixed(field, data[field])),
    ...prefixed('license', data.license),
  ];
}

function spaceTags(data: CardData, sdk: string | null): string[] {
  return [...(sdk === null ? [] : [sdk]), ...metadataStrings(data.tags), ...prefixed('license', data.license)];
}

/** Unique, bounded tags in first-seen order. */
function cleanTags(tags: string[]): string[] {
  const unique = [...new Set(tags.filter((tag) => tag.length <= MAX_TAG_LENGTH))];
  return unique.slice(0, MAX_TAGS);
}

/** The first paragraph of prose: headings, HTML, images, tables, quotes and code are skipped. */
export function firstParagraph(markdown: string): string | null {
  const withoutCode = markdown.replace(/^(```|~~~)[\s\S]*?^\1[ \t]*$/gm, '\n');
  const withoutComments = withoutCode.replace(/<!--[\s\S]*?-->/g, '\n');
  for (const block of withoutComments.split(/\r?\n[ \t]*\r?\n/)) {
    const lines = block
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '');
    const isProse =
      lines.length > 0 &&
      lines.every((line) => !/^(#|<|!\[|\||>|[-*_]{3,}$|\[!\[)/.test(line) && !/^=+$|^-+$/.test(line));
    if (isProse) {
      const text = lines.join(' ').replace(/\s+/g, ' ');
      return text.length > MAX_DESCRIPTION_LENGTH ? `${text.slice(0, MAX_DESCRIPTION_LENGTH - 1)}…` : text;
    }
  }
  return null;
}

/** The content of the first ```bibtex fenced block, as dataset cards carry their citation. */
export function firstBibtex(markdown: string): string | null {
  const match = /^(```|~~~)[ \t]*bibtex[^\n]*\r?\n([\s\S]*?)^\1[ \t]*$/im.exec(markdown);
  const text = match?.[2].trim();
  return text ? text : null;
}

/**
 * The Hub's view of a card. `repoSdk` is the space's creation-time SDK, used when its card names none.
 * Tags follow the Hub: a model's library and pipeline tag and `license:<id>` join its own tags, and
 * dataset metadata such as `language` or `task_categories` becomes `<field>:<value>` tags.
 */
export function cardFacts(type: RepoType, readme: ParsedReadme | null, repoSdk: string | null): CardFacts {
  const data = readme?.data ?? null;
  const metadata = data ?? {};
  const sdk = type === 'space' ? (firstString(metadata.sdk) ?? repoSdk) : null;
  let tags: string[];
  switch (type) {
    case 'model':
      tags = modelTags(metadata);
      break;
    case 'dataset':
      tags = datasetTags(metadata);
      break;
    case 'space':
      tags = spaceTags(metadata, sdk);
      break;
  }
  return {
    cardData: data,
    tags: cleanTags(tags),
    pipelineTag: type === 'model' ? firstString(metadata.pipeline_tag) : null,
    libraryName: type === 'model' ? firstString(metadata.library_name) : null,
    sdk,
    description: type === 'dataset' && readme !== null ? firstParagraph(readme.body) : null,
    citation: type === 'dataset' && readme !== null ? firstBibtex(readme.body) : null,
  };
}
