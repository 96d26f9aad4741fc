// The small Markdown subset the document's descriptions use (paragraphs, `###` headings,
// lists, tables, fenced code, `code`, **bold**, [links](url)), rendered to HTML for the
// reference page. Everything is escaped first: descriptions never inject markup.

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function inline(text: string): string {
  // Code spans first, so nothing inside them is formatted.
  return text
    .split(/(`[^`]+`)/)
    .map((part) =>
      part.startsWith('`') && part.endsWith('`') && part.length > 1
        ? `<code>${escapeHtml(part.slice(1, -1))}</code>`
        : escapeHtml(part)
            .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
            .replace(/\[([^\]]+)\]\(((?:https?:\/\/|\/|#)[^)\s]*)\)/g, '<a href="$2">$1</a>'),
    )
    .join('');
}

export function markdown(source: string): string {
  const lines = source.split('\n');
  const out: string[] = [];
  let i = 0;
  const take = (test: (line: string) => boolean) => {
    const block: string[] = [];
    while (i < lines.length && test(lines[i]!)) block.push(lines[i++]!);
    return block;
  };
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
    } else if (line.startsWith('```')) {
      i++;
      const code = take((l) => !l.startsWith('```'));
      i++;
      out.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`);
    } else if (/^#{1,6} /.test(line)) {
      i++;
      out.push(`<h4>${inline(line.replace(/^#+ /, ''))}</h4>`);
    } else if (line.startsWith('- ')) {
      const items = take((l) => l.startsWith('- '));
      out.push(`<ul>${items.map((item) => `<li>${inline(item.slice(2))}</li>`).join('')}</ul>`);
    } else if (line.startsWith('|')) {
      out.push(table(take((l) => l.startsWith('|'))));
    } else {
      const paragraph = take((l) => l.trim() !== '' && !/^(```|#{1,6} |- |\|)/.test(l));
      out.push(`<p>${inline(paragraph.join(' '))}</p>`);
    }
  }
  return out.join('\n');
}

function table(rows: string[]): string {
  const cells = (row: string) =>
    row
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((cell) => cell.trim());
  const [head, , ...body] = rows;
  return (
    `<table><thead><tr>${cells(head ?? '')
      .map((c) => `<th>${inline(c)}</th>`)
      .join('')}</tr></thead>` +
    `<tbody>${body
      .map(
        (row) =>
          `<tr>${cells(row)
            .map((c) => `<td>${inline(c)}</td>`)
            .join('')}</tr>`,
      )
      .join('')}</tbody></table>`
  );
}
