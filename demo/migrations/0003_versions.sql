-- Document versions, as Hygraph keeps them: every write to an entry in a stage records a snapshot
-- of the whole entry in that stage (every field, every localization) under the next revision of
-- (id, stage). Read through `<model>.history` and `Query.<model>Version` (demo/src/versions.ts).
-- `data` is JSON in the shape of versions.ts `snapshot()`; ids are unique across models, so
-- (id, stage, revision) identifies a version and `model` only scopes `<model>Version` look-ups.

CREATE TABLE "_Version" (
  model TEXT NOT NULL,
  id TEXT NOT NULL,
  stage TEXT NOT NULL CHECK (stage IN ('DRAFT', 'PUBLISHED')),
  revision INTEGER NOT NULL CHECK (revision > 0),
  createdAt TEXT NOT NULL,
  data TEXT NOT NULL CHECK (json_valid(data)),
  PRIMARY KEY (id, stage, revision)
);

-- Backfill: every entry that exists when versioning starts gets revision 1 in each stage it exists
-- in, holding its current content. A DRAFT version is as old as the last edit, a PUBLISHED one as
-- the publication. Same shape as snapshot(); test/demo/versions.test.ts checks they agree.

INSERT INTO "_Version" (model, id, stage, revision, createdAt, data)
SELECT 'Author', t.id, t.stage, 1, CASE t.stage WHEN 'PUBLISHED' THEN t.publishedAt ELSE t.updatedAt END,
  json_object(
    'id', t.id, 'stage', t.stage, 'createdAt', t.createdAt, 'updatedAt', t.updatedAt, 'publishedAt', t.publishedAt,
    'name', t.name, 'slug', t.slug,
    'localizations', json((
      SELECT json_group_array(json_object('locale', l.locale,
        'bio', CASE l.locale WHEN 'en' THEN t.bio_en ELSE t.bio_de END) ORDER BY l.o)
      FROM (SELECT 1 AS o, 'en' AS locale UNION ALL SELECT 2, 'de') l
      WHERE instr(t._locales, ',' || l.locale || ',') > 0)))
FROM "Author" t;

INSERT INTO "_Version" (model, id, stage, revision, createdAt, data)
SELECT 'Post', t.id, t.stage, 1, CASE t.stage WHEN 'PUBLISHED' THEN t.publishedAt ELSE t.updatedAt END,
  json_object(
    'id', t.id, 'stage', t.stage, 'createdAt', t.createdAt, 'updatedAt', t.updatedAt, 'publishedAt', t.publishedAt,
    'slug', t.slug, 'tags', json(t.tags), 'readingMinutes', t.readingMinutes,
    'author', json(CASE WHEN t.authorId IS NULL THEN 'null' ELSE json_object('id', t.authorId) END),
    'localizations', json((
      SELECT json_group_array(json_object('locale', l.locale,
        'title', CASE l.locale WHEN 'en' THEN t.title_en ELSE t.title_de END,
        'excerpt', CASE l.locale WHEN 'en' THEN t.excerpt_en ELSE t.excerpt_de END,
        'body', CASE l.locale WHEN 'en' THEN t.body_en ELSE t.body_de END) ORDER BY l.o)
      FROM (SELECT 1 AS o, 'en' AS locale UNION ALL SELECT 2, 'de') l
      WHERE instr(t._locales, ',' || l.locale || ',') > 0)))
FROM "Post" t;

INSERT INTO "_Version" (model, id, stage, revision, createdAt, data)
SELECT 'Page', t.id, t.stage, 1, CASE t.stage WHEN 'PUBLISHED' THEN t.publishedAt ELSE t.updatedAt END,
  json_object(
    'id', t.id, 'stage', t.stage, 'createdAt', t.createdAt, 'updatedAt', t.updatedAt, 'publishedAt', t.publishedAt,
    'slug', t.slug,
    'localizations', json((
      SELECT json_group_array(json_object('locale', l.locale,
        'title', CASE l.locale WHEN 'en' THEN t.title_en ELSE t.title_de END,
        'content', CASE l.locale WHEN 'en' THEN t.content_en ELSE t.content_de END) ORDER BY l.o)
      FROM (SELECT 1 AS o, 'en' AS locale UNION ALL SELECT 2, 'de') l
      WHERE instr(t._locales, ',' || l.locale || ',') > 0)))
FROM "Page" t;
