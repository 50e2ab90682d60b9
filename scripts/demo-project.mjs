// Project demo/master as `npm start` configures it: the demo origin through its service binding,
// public reads of published content in every locale, and nothing else.
export const demoProject = {
  origin: "https://demo-origin.internal/v2/demo/master",
  defaultStage: "PUBLISHED",
  defaultLocale: "en",
  publicPermissions: [{ action: "read", model: "*", stages: ["PUBLISHED"], locales: "*" }],
  cache: { maxAge: 60, staleWhileRevalidate: 300, staleIfError: 86400 },
  webhookSecret: "demo-webhook-secret-change-me",
};
