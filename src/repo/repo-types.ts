/** Repository kinds and their URL forms (hf-protocol §1.1). */
export const REPO_TYPES = ['model', 'dataset', 'space'] as const;
export type RepoType = (typeof REPO_TYPES)[number];

export const SPACE_SDKS = ['gradio', 'streamlit', 'docker', 'static'] as const;
export type SpaceSdk = (typeof SPACE_SDKS)[number];

export const GATED_MODES = ['auto', 'manual'] as const;
export type GatedMode = (typeof GATED_MODES)[number];

/** `models`, `datasets`, `spaces`: the segment after `/api/`. */
export function apiSegmentOf(type: RepoType): string {
  return `${type}s`;
}

/** The web/file URL prefix: none for models, `datasets/` and `spaces/` otherwise. */
export function webPrefixOf(type: RepoType): string {
  return type === 'model' ? '' : `${type}s/`;
}

export function repoTypeFromSegment(segment: string): RepoType | undefined {
  return REPO_TYPES.find((type) => `${type}s` === segment);
}
