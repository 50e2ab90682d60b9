-- Sample content. Deterministic ids and timestamps so tests and benchmarks can rely on them.
-- Authors 1-2, posts 1-5 and 8, pages 1-2 are PUBLISHED (and DRAFT); author 3, posts 6-7 and
-- page 3 exist only in DRAFT. Post 2 has an unpublished draft edit of its English title.
-- Entries with `,en,de,` have German values; the others are English only.

INSERT INTO "Author" (id, stage, createdAt, updatedAt, publishedAt, _locales, name, slug, bio_en, bio_de) VALUES
  ('clauth0000000000000000001', 'DRAFT', '2024-01-01T09:00:00.000Z', '2024-01-01T09:00:00.000Z', '2024-01-01T09:30:00.000Z', ',en,de,', 'Ada Lovelace', 'ada-lovelace', 'Writes about caching.', 'Schreibt über Caching.'),
  ('clauth0000000000000000002', 'DRAFT', '2024-01-01T09:10:00.000Z', '2024-01-01T09:10:00.000Z', '2024-01-01T09:30:00.000Z', ',en,', 'Grace Hopper', 'grace-hopper', 'Writes about security.', NULL),
  ('clauth0000000000000000003', 'DRAFT', '2024-01-01T09:20:00.000Z', '2024-01-01T09:20:00.000Z', NULL, ',en,de,', 'Alan Turing', 'alan-turing', 'Not published yet.', 'Noch nicht veröffentlicht.');

INSERT INTO "Post" (id, stage, createdAt, updatedAt, publishedAt, _locales, title_en, title_de, slug, excerpt_en, excerpt_de, body_en, body_de, tags, readingMinutes, authorId) VALUES
  ('clpost0000000000000000001', 'DRAFT', '2024-01-02T10:00:00.000Z', '2024-01-02T10:00:00.000Z', '2024-01-02T11:00:00.000Z', ',en,de,', 'Hello Edge', 'Hallo Edge', 'hello-edge', 'A first look.', 'Ein erster Blick.', 'Content at the edge, explained.', 'Inhalte am Edge, erklärt.', '["edge","intro"]', 3, 'clauth0000000000000000001'),
  ('clpost0000000000000000002', 'DRAFT', '2024-01-03T10:00:00.000Z', '2024-01-03T10:00:00.000Z', '2024-01-03T11:00:00.000Z', ',en,de,', 'Caching GraphQL', 'GraphQL cachen', 'caching-graphql', 'Why and how.', 'Warum und wie.', 'Normalize, hash, store.', 'Normalisieren, hashen, speichern.', '["graphql","cache"]', 7, 'clauth0000000000000000001'),
  ('clpost0000000000000000003', 'DRAFT', '2024-01-04T10:00:00.000Z', '2024-01-04T10:00:00.000Z', '2024-01-04T11:00:00.000Z', ',en,de,', 'Stale While Revalidate', 'Stale While Revalidate erklärt', 'stale-while-revalidate', 'Serve old, fetch new.', 'Alt ausliefern, neu holen.', 'A cache pattern.', 'Ein Cache-Muster.', '["cache"]', 5, 'clauth0000000000000000002'),
  ('clpost0000000000000000004', 'DRAFT', '2024-01-05T10:00:00.000Z', '2024-01-05T10:00:00.000Z', '2024-01-05T11:00:00.000Z', ',en,de,', 'Permissions at the Edge', 'Berechtigungen am Edge', 'permissions-at-the-edge', 'Who may read what.', 'Wer was lesen darf.', 'Rules, stages, locales.', 'Regeln, Stages, Sprachen.', '["security","edge"]', 9, 'clauth0000000000000000002'),
  ('clpost0000000000000000005', 'DRAFT', '2024-01-06T10:00:00.000Z', '2024-01-06T10:00:00.000Z', '2024-01-06T11:00:00.000Z', ',en,', 'Webhooks in Practice', NULL, 'webhooks-in-practice', 'Signed and fresh.', NULL, 'HMAC all the things.', NULL, '["webhooks"]', 4, 'clauth0000000000000000001'),
  ('clpost0000000000000000006', 'DRAFT', '2024-01-07T10:00:00.000Z', '2024-01-07T10:00:00.000Z', NULL, ',en,de,', 'Upcoming: Localization', 'Demnächst: Lokalisierung', 'upcoming-localization', 'Coming soon.', 'Bald verfügbar.', 'Locales and fallbacks.', 'Sprachen und Rückfälle.', '["i18n"]', 6, 'clauth0000000000000000002'),
  ('clpost0000000000000000007', 'DRAFT', '2024-01-08T10:00:00.000Z', '2024-01-08T10:00:00.000Z', NULL, ',en,', 'Unfinished Thoughts', NULL, 'unfinished-thoughts', NULL, NULL, 'TODO', NULL, '[]', NULL, 'clauth0000000000000000003'),
  ('clpost0000000000000000008', 'DRAFT', '2024-01-09T10:00:00.000Z', '2024-01-09T10:00:00.000Z', '2024-01-09T11:00:00.000Z', ',en,', 'Benchmarks', NULL, 'benchmarks', 'Numbers.', NULL, 'Hit ratios and latencies.', NULL, '["performance"]', 8, NULL);

INSERT INTO "Page" (id, stage, createdAt, updatedAt, publishedAt, _locales, title_en, title_de, slug, content_en, content_de) VALUES
  ('clpage0000000000000000001', 'DRAFT', '2024-01-01T08:00:00.000Z', '2024-01-01T08:00:00.000Z', '2024-01-01T08:30:00.000Z', ',en,de,', 'About', 'Über uns', 'about', 'We cache content.', 'Wir cachen Inhalte.'),
  ('clpage0000000000000000002', 'DRAFT', '2024-01-01T08:10:00.000Z', '2024-01-01T08:10:00.000Z', '2024-01-01T08:30:00.000Z', ',en,de,', 'Contact', 'Kontakt', 'contact', 'Write to us.', 'Schreiben Sie uns.'),
  ('clpage0000000000000000003', 'DRAFT', '2024-01-01T08:20:00.000Z', '2024-01-01T08:20:00.000Z', NULL, ',en,', 'Imprint', NULL, 'imprint', 'Draft imprint.', NULL);

-- Publish: the PUBLISHED row is a copy of the DRAFT row, like publishX does.
INSERT INTO "Author" SELECT id, 'PUBLISHED', createdAt, updatedAt, publishedAt, _locales, name, slug, bio_en, bio_de
  FROM "Author" WHERE stage = 'DRAFT' AND publishedAt IS NOT NULL;
INSERT INTO "Post" SELECT id, 'PUBLISHED', createdAt, updatedAt, publishedAt, _locales, title_en, title_de, slug, excerpt_en, excerpt_de, body_en, body_de, tags, readingMinutes, authorId
  FROM "Post" WHERE stage = 'DRAFT' AND publishedAt IS NOT NULL;
INSERT INTO "Page" SELECT id, 'PUBLISHED', createdAt, updatedAt, publishedAt, _locales, title_en, title_de, slug, content_en, content_de
  FROM "Page" WHERE stage = 'DRAFT' AND publishedAt IS NOT NULL;

-- An unpublished draft edit: DRAFT and PUBLISHED now differ for post 2.
UPDATE "Post" SET title_en = 'Caching GraphQL (draft edit)', updatedAt = '2024-01-10T10:00:00.000Z'
  WHERE id = 'clpost0000000000000000002' AND stage = 'DRAFT';
