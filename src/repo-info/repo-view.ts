import { GatedMode, RepoType } from 'src/repo/repo-types';
import { CardFacts, metadataStrings } from 'src/repo-info/repo-card';
import { RepoFile } from 'src/repo-info/repo-snapshot';

/** Everything a repo info object or listing item can be rendered from; parts not needed stay unset. */
export interface RepoView {
  type: RepoType;
  /** The opaque `_id`: the immutable storage id, so it survives renames as the Hub's does. */
  storageId: string;
  fullId: string;
  namespace: string;
  createdAt: Date;
  isPrivate: boolean;
  gated: GatedMode | null;
  isDisabled: boolean;
  downloads: number;
  likes: number;
  trendingScore: number;
  usedStorage: number;
  sha?: string | null;
  lastModified?: Date;
  files?: readonly RepoFile[];
  /** Files carry `size`, `blobId` and `lfs` (`blobs=true`). */
  hasFileDetails?: boolean;
  card?: CardFacts;
}

export type RepoInfoObject = Record<string, unknown>;

function sibling(file: RepoFile, hasDetails: boolean): Record<string, unknown> {
  if (!hasDetails) {
    return { rfilename: file.path };
  }
  return { rfilename: file.path, size: file.size, blobId: file.blobId, ...(file.lfs ? { lfs: file.lfs } : {}) };
}

/** The value of one property, or undefined to leave it out. */
function valueOf(field: string, view: RepoView): unknown {
  const cardData = view.card?.cardData ?? null;
  switch (field) {
    case 'modelId':
      return view.type === 'model' ? view.fullId : undefined;
    case 'author':
      return view.namespace;
    case 'sha':
      return view.sha ?? undefined;
    case 'lastModified':
      return view.lastModified?.toISOString();
    case 'createdAt':
      return view.createdAt.toISOString();
    case 'private':
      return view.isPrivate;
    case 'gated':
      return view.gated ?? false;
    case 'disabled':
      return view.isDisabled;
    case 'downloads':
    case 'downloadsAllTime':
      return view.downloads;
    case 'likes':
      return view.likes;
    case 'trendingScore':
      return view.trendingScore;
    case 'usedStorage':
      return view.usedStorage;
    case 'siblings':
      return view.files?.map((file) => sibling(file, view.hasFileDetails === true));
    case 'tags':
      return view.card?.tags;
    case 'cardData':
      return cardData ?? undefined;
    case 'pipeline_tag':
      return view.card?.pipelineTag ?? undefined;
    case 'library_name':
      return view.card?.libraryName ?? undefined;
    case 'model-index':
      return cardData?.['model-index'];
    case 'widgetData':
      return cardData?.widget;
    case 'sdk':
      return view.card?.sdk ?? undefined;
    case 'models':
    case 'datasets':
      return view.card === undefined ? undefined : metadataStrings(cardData?.[field]);
    case 'description':
      return view.card?.description ?? undefined;
    case 'citation':
      return view.card?.citation ?? undefined;
    case 'paperswithcode_id': {
      const id = cardData?.paperswithcode_id;
      return typeof id === 'string' ? id : undefined;
    }
    default:
      return undefined;
  }
}

/** `_id` and `id` first, then the requested properties that have a value. */
export function renderRepo(view: RepoView, fields: readonly string[]): RepoInfoObject {
  const object: RepoInfoObject = { _id: view.storageId, id: view.fullId };
  for (const field of fields) {
    const value = valueOf(field, view);
    if (value !== undefined) {
      object[field] = value;
    }
  }
  return object;
}
