/** How a status looks: its words and the badge's colour. */
export interface StatusLook {
  label: string;
  tone: 'ok' | 'warn' | 'danger' | 'info';
}

/**
 * Statuses the API names (an order's, an e-mail's) and how each looks: the values in order,
 * a value from the URL checked against them, its label, its badge, the options of a filter.
 * A status the app does not know yet still shows, as the API wrote it.
 */
export function statusSet<S extends string>(looks: Record<S, StatusLook>) {
  const values = Object.keys(looks) as S[];
  const label = (status: S): string => looks[status]?.label ?? status;
  return {
    values,
    label,
    /** `raw` when it names one of them (a URL's ?status=), else undefined. */
    parse: (raw: string | null): S | undefined => values.find((value) => value === raw),
    options: values.map((value) => ({ value, label: label(value) })),
    Badge({ status }: { status: S }) {
      const tone = looks[status]?.tone;
      return <span className={tone ? `badge badge-${tone}` : 'badge'}>{label(status)}</span>;
    },
  };
}

export type StatusSet<S extends string> = ReturnType<typeof statusSet<S>>;
