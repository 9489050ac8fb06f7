import { BadRequestError } from 'src/common/errors/hub-error';
import { RepoType } from 'src/repo/repo-types';

/**
 * The properties `expand` may name, per repository type: those of `huggingface_hub` 2.0
 * (`ExpandModelProperty_T` …) and of `@huggingface/hub`. Anything else is a 400, as on the Hub.
 * Properties this hub has nothing for (inference providers, gguf, safetensors headers, Space
 * runtimes, …) are accepted and left out of the answer, which both clients treat as absent.
 */
const EXPANDABLE: Record<RepoType, readonly string[]> = {
  model: [
    'author',
    'baseModels',
    'cardData',
    'childrenModelCount',
    'config',
    'createdAt',
    'disabled',
    'downloads',
    'downloadsAllTime',
    'evalResults',
    'gated',
    'gguf',
    'gitalyUid',
    'inference',
    'inferenceProviderMapping',
    'lastModified',
    'library_name',
    'likes',
    'mask_token',
    'model-index',
    'pipeline_tag',
    'private',
    'resourceGroup',
    'safetensors',
    'sha',
    'siblings',
    'spaces',
    'tags',
    'transformersInfo',
    'trendingScore',
    'usedStorage',
    'widgetData',
  ],
  dataset: [
    'author',
    'cardData',
    'citation',
    'createdAt',
    'description',
    'disabled',
    'downloads',
    'downloadsAllTime',
    'gated',
    'gitalyUid',
    'lastModified',
    'likes',
    'mainSize',
    'paperswithcode_id',
    'private',
    'resourceGroup',
    'sha',
    'siblings',
    'tags',
    'trendingScore',
    'usedStorage',
  ],
  space: [
    'author',
    'cardData',
    'createdAt',
    'datasets',
    'disabled',
    'gitalyUid',
    'lastModified',
    'likes',
    'models',
    'private',
    'region',
    'resourceGroup',
    'runtime',
    'sdk',
    'sha',
    'siblings',
    'subdomain',
    'tags',
    'trendingScore',
    'usedStorage',
  ],
};

const COMMON_INFO = ['author', 'sha', 'lastModified', 'createdAt', 'private', 'gated', 'disabled'];

/** What repo info answers without `expand`. */
const INFO_DEFAULT: Record<RepoType, readonly string[]> = {
  model: [
    'modelId',
    ...COMMON_INFO,
    'downloads',
    'likes',
    'library_name',
    'tags',
    'pipeline_tag',
    'cardData',
    'model-index',
    'widgetData',
    'siblings',
    'usedStorage',
  ],
  dataset: [
    ...COMMON_INFO,
    'downloads',
    'likes',
    'tags',
    'cardData',
    'description',
    'citation',
    'paperswithcode_id',
    'siblings',
    'usedStorage',
  ],
  space: [...COMMON_INFO, 'likes', 'tags', 'cardData', 'sdk', 'models', 'datasets', 'siblings', 'usedStorage'],
};

const COMMON_LIST = ['author', 'lastModified', 'createdAt', 'private', 'gated', 'disabled'];

/** What a listing item carries without `expand`: what the index holds, no git access per item. */
const LIST_DEFAULT: Record<RepoType, readonly string[]> = {
  model: ['modelId', ...COMMON_LIST, 'downloads', 'likes', 'trendingScore', 'tags', 'pipeline_tag', 'library_name'],
  dataset: [...COMMON_LIST, 'downloads', 'likes', 'trendingScore', 'tags'],
  space: [...COMMON_LIST, 'likes', 'trendingScore', 'tags', 'sdk'],
};

/** `full=true` adds the head commit and the file list, as on the Hub. */
const LIST_FULL_EXTRA = ['sha', 'siblings', 'cardData'];

/** Properties read from the README's card. */
export const CARD_FIELDS: ReadonlySet<string> = new Set([
  'cardData',
  'tags',
  'pipeline_tag',
  'library_name',
  'model-index',
  'widgetData',
  'description',
  'citation',
  'paperswithcode_id',
  'sdk',
  'models',
  'datasets',
]);

/**
 * The properties `expand` asks for, checked against the type's list. Empty or absent `expand`
 * means `fallback` (the default set of the endpoint). `_id` and `id` are always answered.
 */
export function selectFields(
  type: RepoType,
  expand: readonly string[] | undefined,
  fallback: readonly string[],
): string[] {
  if (expand === undefined || expand.length === 0) {
    return [...fallback];
  }
  const allowed = new Set(EXPANDABLE[type]);
  const unknown = expand.filter((field) => !allowed.has(field));
  if (unknown.length > 0) {
    throw new BadRequestError(
      `Invalid expand value${unknown.length > 1 ? 's' : ''} for a ${type}: ${unknown.map((field) => `"${field}"`).join(', ')}. ` +
        `Allowed: ${EXPANDABLE[type].join(', ')}`,
    );
  }
  return [...new Set(expand)];
}

export function infoFields(type: RepoType, expand: readonly string[] | undefined): string[] {
  return selectFields(type, expand, INFO_DEFAULT[type]);
}

export function listFields(
  type: RepoType,
  expand: readonly string[] | undefined,
  options: { isFull: boolean; withCardData: boolean },
): string[] {
  const base = [
    ...LIST_DEFAULT[type],
    ...(options.isFull ? LIST_FULL_EXTRA : []),
    ...(options.withCardData ? ['cardData'] : []),
  ];
  return selectFields(type, expand, [...new Set(base)]);
}
