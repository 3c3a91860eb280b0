import { SurveyKind } from '../core/enums';

/** The standard scale of each survey: what averages are given on, whatever scale an answer used. */
export const STANDARD_SCALE: Record<SurveyKind, { min: number; max: number }> = {
  [SurveyKind.CSAT]: { min: 1, max: 5 },
  [SurveyKind.NPS]: { min: 0, max: 10 },
  [SurveyKind.CES]: { min: 1, max: 7 },
};

/** A score on its own scale (min..scaleMax) moved linearly onto the survey's standard scale. */
export function onStandardScale(survey: SurveyKind, score: number, scaleMax: number): number {
  const { min, max } = STANDARD_SCALE[survey];
  if (scaleMax === max) return score;
  return min + ((score - min) * (max - min)) / (scaleMax - min);
}

/** CSAT: satisfied when in the top two points of the scale the answer was given on. */
export function isSatisfied(score: number, scaleMax: number): boolean {
  return score >= scaleMax - 1;
}

export type NpsGroup = 'PROMOTER' | 'PASSIVE' | 'DETRACTOR';

/** NPS on 0-10: 9-10 promoters, 7-8 passives, 0-6 detractors (other scales moved onto 0-10 first). */
export function npsGroup(score: number, scaleMax: number): NpsGroup {
  const standard = onStandardScale(SurveyKind.NPS, score, scaleMax);
  return standard >= 9 ? 'PROMOTER' : standard >= 7 ? 'PASSIVE' : 'DETRACTOR';
}
