import { html, query } from './html';

describe('html', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const evil = `<script>alert("x")</script>' onmouseover='x' \``;
    const out = html`<p title="${evil}">${evil}</p>`.value;
    expect(out).not.toContain('<script>');
    expect(out).not.toMatch(/["'`]\s*onmouseover/);
    expect(out).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x&#39; &#96;',
    );
  });

  it('keeps Html built by html as is, renders arrays, and leaves out null, undefined and false', () => {
    const inner = html`<b>${'a&b'}</b>`;
    expect(html`<i>${inner}${[inner, 'c<d']}${null}${undefined}${false}${0}</i>`.value).toBe(
      '<i><b>a&amp;b</b><b>a&amp;b</b>c&lt;d0</i>',
    );
  });

  it('builds query strings from the defined values only', () => {
    expect(query({ a: 'x y', b: undefined, c: '', d: '&' })).toBe('?a=x+y&d=%26');
    expect(query({})).toBe('');
  });
});
