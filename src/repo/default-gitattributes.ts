/**
 * The `.gitattributes` of a new repository: the LFS patterns Hugging Face puts in every new repo
 * (plus GGUF), so a fresh repository's first commit looks like one made on the Hub and `git lfs`
 * treats the usual weight and archive formats as LFS from the start.
 */
const LFS_PATTERNS = [
  '*.7z',
  '*.arrow',
  '*.bin',
  '*.bz2',
  '*.ckpt',
  '*.ftz',
  '*.gguf',
  '*.gz',
  '*.h5',
  '*.joblib',
  '*.lfs.*',
  '*.mlmodel',
  '*.model',
  '*.msgpack',
  '*.npy',
  '*.npz',
  '*.onnx',
  '*.ot',
  '*.parquet',
  '*.pb',
  '*.pickle',
  '*.pkl',
  '*.pt',
  '*.pth',
  '*.rar',
  '*.safetensors',
  'saved_model/**/*',
  '*.tar.*',
  '*.tar',
  '*.tflite',
  '*.tgz',
  '*.wasm',
  '*.xz',
  '*.zip',
  '*.zst',
  '*tfevents*',
];

export const LFS_ATTRIBUTES = 'filter=lfs diff=lfs merge=lfs -text';

export const DEFAULT_GITATTRIBUTES = LFS_PATTERNS.map((pattern) => `${pattern} ${LFS_ATTRIBUTES}\n`).join('');
