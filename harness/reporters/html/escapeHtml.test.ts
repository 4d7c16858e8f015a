import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript } from './escapeHtml.ts';

describe('escapeHtml', () => {
  it('turns markup into text', () => {
    expect(escapeHtml('</textarea><script>alert("x")</script> & \'y\'')).toBe(
      '&lt;/textarea&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;',
    );
  });
  it('shows terminal escapes instead of passing them through', () => {
    expect(escapeHtml('\u001b[31mred\u001b[0m\tok')).toBe('\\x1b[31mred\\x1b[0m\tok');
  });
});

describe('jsonForScript', () => {
  it('cannot close the script element and still parses back to the same value', () => {
    const value = { line: '</script><script>alert(1)</script><!--', sep: '\u2028' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});
