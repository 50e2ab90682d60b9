// A page showing two posts by slug, each fetched with GET from /content (the browser's HTTP cache
// applies to GET), as a site rendering content in the browser would.
const params = new URLSearchParams(location.search);
const content = `${params.get("gateway")}/content/demo/master`;
const query = "query Post($slug: String!) { post(where: { slug: $slug }) { title } }";

async function title(slug) {
  const url = `${content}?${new URLSearchParams({ query, variables: JSON.stringify({ slug }) })}`;
  const response = await fetch(url);
  const body = await response.json();
  return body.data.post.title;
}

const [a, b] = await Promise.all([title(params.get("a")), title(params.get("b"))]);
document.getElementById("a").textContent = a;
document.getElementById("b").textContent = b;
window.loaded = true;
