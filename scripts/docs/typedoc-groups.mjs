// TypeDoc plugin: groups the API reference by the folder an export is declared in, so the grouping
// is stated once here instead of a tag on every declaration.
import { Comment, CommentTag, Converter, ReflectionKind } from 'typedoc';

/** First matching rule wins: [path fragment under packages/oauth-otel/src/, group]. */
const GROUPS = [
  ['/api/security.ts', 'Security events'],
  ['/api/server.ts', 'Authorization server'],
  ['/api/', 'Recording API'],
  ['/catalog/', 'Catalog'],
  ['/redaction/', 'Redaction'],
  ['/metrics/', 'Bring your own SDK'],
  ['/logs/', 'Bring your own SDK'],
  ['/traces/config.ts', 'Setup'],
  ['/traces/', 'Bring your own SDK'],
  ['/init/', 'Setup'],
  ['/observe/', 'Setup'],
  ['/types.ts', 'Setup'],
  ['/errors.ts', 'Setup'],
  ['/index.ts', 'Recording API'],
];

export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const project = context.project;
    for (const r of project.getReflectionsByKind(ReflectionKind.SomeExport)) {
      if (r.parent !== project) continue;
      const file = project.getSymbolIdFromReflection(r)?.fileName ?? r.sources?.[0]?.fullFileName ?? '';
      const hit = GROUPS.find(([frag]) => file.includes('/src' + frag));
      if (!hit) continue;
      r.comment ??= new Comment();
      if (!r.comment.blockTags.some((t) => t.tag === '@group')) r.comment.blockTags.push(new CommentTag('@group', [{ kind: 'text', text: hit[1] }]));
      // Signatures carry the comment for functions.
      for (const s of r.signatures ?? []) {
        s.comment ??= new Comment();
        if (!s.comment.blockTags.some((t) => t.tag === '@group')) s.comment.blockTags.push(new CommentTag('@group', [{ kind: 'text', text: hit[1] }]));
      }
    }
  });
}
