// Text into HTML: the five characters that could end an element or an attribute, as numeric entities.
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
