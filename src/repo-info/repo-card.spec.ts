import {
  cardFacts,
  firstBibtex,
  firstParagraph,
  MAX_TAGS,
  metadataStrings,
  parseReadme,
} from 'src/repo-info/repo-card';

describe(parseReadme.name, () => {
  it('should split YAML front matter from the Markdown body', () => {
    const readme = parseReadme('---\nlicense: mit\ntags:\n  - a\n---\n# Title\n');
    expect(readme).toEqual({ data: { license: 'mit', tags: ['a'] }, body: '# Title\n' });
  });

  it('should accept a byte order mark, CRLF line ends and a "..." terminator', () => {
    expect(parseReadme('\uFEFF---\r\nlicense: mit\r\n...\r\nbody').data).toEqual({ license: 'mit' });
  });

  it('should give no card data without front matter, with an empty one, or with one that is not closed', () => {
    expect(parseReadme('# Just a title\n---\nlicense: mit\n---\n').data).toBeNull();
    expect(parseReadme('---\n---\nbody')).toEqual({ data: null, body: 'body' });
    expect(parseReadme('---\nlicense: mit\n').data).toBeNull();
  });

  it('should give no card data for invalid YAML, or YAML that is not a mapping', () => {
    expect(parseReadme('---\nlicense: [mit\n---\n').data).toBeNull();
    expect(parseReadme('---\n- a\n- b\n---\n').data).toBeNull();
    expect(parseReadme('---\njust text\n---\n').data).toBeNull();
    expect(parseReadme('---\na: 1\na: 2\n---\n').data).toBeNull();
  });

  it('should return plain JSON data: dates stay strings, infinities become null', () => {
    expect(parseReadme('---\ndate: 2024-01-02\nsize: .inf\nnested: {a: [1, true, null]}\n---\n').data).toEqual({
      date: '2024-01-02',
      size: null,
      nested: { a: [1, true, null] },
    });
  });

  it('should refuse alias bombs instead of expanding them', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 8; level++) {
      bomb.push(
        `${'b'.repeat(level)}: &${'b'.repeat(level)} [${Array(10)
          .fill(level === 1 ? '*a' : `*${'b'.repeat(level - 1)}`)
          .join(', ')}]`,
      );
    }
    expect(parseReadme(`---\n${bomb.join('\n')}\n---\n`).data).toBeNull();
  });
});

describe(metadataStrings.name, () => {
  it('should turn one value or a list into trimmed strings, skipping objects and blanks', () => {
    expect(metadataStrings('en')).toEqual(['en']);
    expect(metadataStrings([' en ', 2024, true, { a: 1 }, null, '', ['x']])).toEqual(['en', '2024', 'true']);
    expect(metadataStrings(undefined)).toEqual([]);
  });
});

describe(cardFacts.name, () => {
  it('should fold a model card into tags as the Hub does: library, tags, pipeline, languages, datasets, license', () => {
    const readme = parseReadme(
      [
        '---',
        'library_name: diffusers',
        'tags: [art, diffusers]',
        'pipeline_tag: text-to-image',
        'language: en',
        'datasets: [laion/x]',
        'base_model: org/base',
        'license: [mit, other]',
        '---',
      ].join('\n'),
    );
    expect(cardFacts('model', readme, null)).toEqual({
      cardData: readme.data,
      tags: [
        'diffusers',
        'art',
        'text-to-image',
        'en',
        'dataset:laion/x',
        'base_model:org/base',
        'license:mit',
        'license:other',
      ],
      pipelineTag: 'text-to-image',
      libraryName: 'diffusers',
      sdk: null,
      description: null,
      citation: null,
    });
  });

  it('should prefix dataset metadata as list_datasets filters expect it', () => {
    const readme = parseReadme(
      '---\ntask_categories: [translation]\ntask_ids: [x]\nlanguage: [en, de]\nmultilinguality: multilingual\nsize_categories: 10K<n<100K\nsource_datasets: original\nannotations_creators: [crowdsourced]\nlanguage_creators: [found]\nlicense: mit\npipeline_tag: ignored\n---\nA parallel corpus.\n',
    );
    const facts = cardFacts('dataset', readme, null);
    expect(facts.tags).toEqual([
      'task_categories:translation',
      'task_ids:x',
      'annotations_creators:crowdsourced',
      'language_creators:found',
      'language:en',
      'language:de',
      'multilinguality:multilingual',
      'size_categories:10K<n<100K',
      'source_datasets:original',
      'license:mit',
    ]);
    expect(facts.pipelineTag).toBeNull();
    expect(facts.description).toBe('A parallel corpus.');
  });

  it("should take a space's SDK from its card, else from its creation, and lead its tags with it", () => {
    expect(cardFacts('space', parseReadme('---\nsdk: streamlit\ntags: [demo]\n---\n'), 'gradio')).toMatchObject({
      sdk: 'streamlit',
      tags: ['streamlit', 'demo'],
    });
    expect(cardFacts('space', null, 'gradio')).toMatchObject({ sdk: 'gradio', tags: ['gradio'], cardData: null });
  });

  it('should drop duplicate and over-long tags and keep at most MAX_TAGS', () => {
    const many = Array.from({ length: MAX_TAGS + 20 }, (_, index) => `t${index}`);
    const readme = parseReadme(`---\ntags: [a, a, ${'x'.repeat(300)}, ${many.join(', ')}]\n---\n`);
    const tags = cardFacts('model', readme, null).tags;
    expect(tags[0]).toBe('a');
    expect(tags[1]).toBe('t0');
    expect(tags).toHaveLength(MAX_TAGS);
  });
});

describe(firstParagraph.name, () => {
  it('should skip headings, images, badges, HTML, comments, quotes, tables and code', () => {
    const body = [
      '# Title',
      '',
      '[![badge](b.svg)](x)',
      '',
      '<div>html</div>',
      '',
      '<!-- hidden',
      'comment -->',
      '',
      '> quote',
      '',
      '| a | b |',
      '',
      '```',
      'code',
      '```',
      '',
      'The first real',
      'paragraph.',
      '',
      'Second.',
    ].join('\n');
    expect(firstParagraph(body)).toBe('The first real paragraph.');
  });

  it('should shorten long paragraphs and answer null when there is no prose', () => {
    expect(firstParagraph('word '.repeat(400))?.length).toBe(1000);
    expect(firstParagraph('# Only a heading\n')).toBeNull();
  });
});

describe(firstBibtex.name, () => {
  it('should return the first bibtex block', () => {
    expect(firstBibtex('text\n```bibtex\n@a{b}\n```\n```bibtex\n@c{d}\n```\n')).toBe('@a{b}');
    expect(firstBibtex('```BibTeX\n@x{y}\n```')).toBe('@x{y}');
    expect(firstBibtex('```python\n@x\n```')).toBeNull();
  });
});
