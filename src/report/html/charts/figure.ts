/** What a chart module gives the page: the chart and its numbers, or why there is nothing to draw. */
export type Figure = { readonly chart: string; readonly table: string; readonly caption?: string } | { readonly empty: string };
