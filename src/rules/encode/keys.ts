import type { Json } from './profiles';

/** encoded's calculated biosample_type name: `cell_line_EFO_0001203`. */
export function biosampleTypeName(props: Json): string {
  return `${props.classification}_${props.term_id}`.replace(/ /g, '_').replace(/:/g, '_');
}

/**
 * Unique names encoded calculates in Python for some types (their `@id` key), from the record's
 * own properties: a biosample type's `<classification>_<term_id>`, an analysis step's
 * `<step_label>-v-<major_version>`. (A target's name needs its organism: see the sandbox store.)
 */
export function calculatedName(profile: string, props: Json): string | null {
  if (profile === 'biosample_type' && props.classification && props.term_id) return biosampleTypeName(props);
  if (profile === 'analysis_step' && props.step_label && props.major_version !== undefined) return `${props.step_label}-v-${props.major_version}`;
  return null;
}
