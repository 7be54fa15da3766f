// The home page is a static shell (search runs in the browser): prerender it into index.html.
export const prerender = true;
