-- Content tables of the demo origin. One table per model (demo/src/models.ts); an entry has one
-- row per stage it exists in (DRAFT always, PUBLISHED once published), keyed by (id, stage).
-- Localized fields have one column per locale (<field>_<locale>); `_locales` lists the locales an
-- entry has as ",en,de," so "has locale X" is a cheap instr() test.

CREATE TABLE "Author" (
  id TEXT NOT NULL,
  stage TEXT NOT NULL CHECK (stage IN ('DRAFT', 'PUBLISHED')),
  createdAt TEXT NOT NULL,
  updatedAt TEXT NOT NULL,
  publishedAt TEXT,
  _locales TEXT NOT NULL DEFAULT ',en,',
  name TEXT NOT NULL,
  slug TEXT NOT NULL,
  bio_en TEXT,
  bio_de TEXT,
  PRIMARY KEY (id, stage),
  UNIQUE (slug, stage)
);

CREATE TABLE "Post" (
  id TEXT NOT NULL,
  stage TEXT NOT NULL CHECK (stage IN ('DRAFT', 'PUBLISHED')),
  createdAt TEXT NOT NULL,
  updatedAt TEXT NOT NULL,
  publishedAt TEXT,
  _locales TEXT NOT NULL DEFAULT ',en,',
  title_en TEXT,
  title_de TEXT,
  slug TEXT NOT NULL,
  excerpt_en TEXT,
  excerpt_de TEXT,
  body_en TEXT,
  body_de TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  readingMinutes INTEGER,
  authorId TEXT,
  PRIMARY KEY (id, stage),
  UNIQUE (slug, stage)
);
-- Default order and Author.posts lookups.
CREATE INDEX post_stage_created ON "Post" (stage, createdAt, id);
CREATE INDEX post_author ON "Post" (authorId, stage);

CREATE TABLE "Page" (
  id TEXT NOT NULL,
  stage TEXT NOT NULL CHECK (stage IN ('DRAFT', 'PUBLISHED')),
  createdAt TEXT NOT NULL,
  updatedAt TEXT NOT NULL,
  publishedAt TEXT,
  _locales TEXT NOT NULL DEFAULT ',en,',
  title_en TEXT,
  title_de TEXT,
  slug TEXT NOT NULL,
  content_en TEXT,
  content_de TEXT,
  PRIMARY KEY (id, stage),
  UNIQUE (slug, stage)
);
