import { GraphQLError } from 'graphql';
import { suggestionList } from 'graphql/jsutils/suggestionList';

/** As graphql-js and GDC suggest field and type names: at most this many, nearest first. */
const MAX_SUGGESTIONS = 5;

/**
 * An unknown name (an ENCODE profile or type, a GDC node type or project) is an error, never a
 * silent null: `NOT_FOUND`, the name asked for, and the known names nearest to it (graphql-js's
 * own edit-distance ranking, as GraphQL validation suggests field names). A well-formed record id
 * that is absent is not this: it stays null.
 */
export function unknownName(what: string, name: string, known: Iterable<string>, argument: string): GraphQLError {
  const suggestions = suggestionList(name, [...new Set(known)]).slice(0, MAX_SUGGESTIONS);
  const hint = suggestions.length ? ` Did you mean ${suggestions.map((s) => `'${s}'`).join(', ')}?` : '';
  return new GraphQLError(`${what} '${name}' does not exist.${hint}`, {
    extensions: { code: 'NOT_FOUND', argument, name, suggestions },
  });
}
