/** A trigger in words, e.g. "cron: at 09:00 on mon-fri (Europe/Paris)". Falls back to its fields. */
export function triggerInWords(t: Record<string, unknown>): string {
  const zone = typeof t.timezone === 'string' ? ` (${t.timezone})` : ' (UTC)';
  const jitter = typeof t.jitter === 'number' && t.jitter > 0 ? `, up to ${t.jitter} s jitter` : '';
  const span = [
    typeof t.startDate === 'string' ? `from ${t.startDate}` : '',
    typeof t.endDate === 'string' ? `until ${t.endDate}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const tail = `${span ? `, ${span}` : ''}${jitter}${zone}`;
  switch (t.type) {
    case 'date':
      return `once, at ${String(t.runDate)}${zone}`;
    case 'interval': {
      const parts = ['weeks', 'days', 'hours', 'minutes', 'seconds']
        .filter((k) => typeof t[k] === 'number' && (t[k] as number) > 0)
        .map((k) => `${t[k]} ${t[k] === 1 ? k.slice(0, -1) : k}`);
      return `every ${parts.join(' ') || '?'} of elapsed time${tail}`;
    }
    case 'calendarinterval': {
      const parts = ['years', 'months', 'weeks', 'days']
        .filter((k) => typeof t[k] === 'number' && (t[k] as number) > 0)
        .map((k) => `${t[k]} ${t[k] === 1 ? k.slice(0, -1) : k}`);
      const at = [t.hour ?? 0, t.minute ?? 0, t.second ?? 0].map((n) => String(n).padStart(2, '0')).join(':');
      return `every ${parts.join(' ') || '?'} of the calendar at ${at}${t.monthEnd === 'clamp' ? ', month end clamped' : ''}${tail}`;
    }
    case 'cron': {
      if (typeof t.expr === 'string') return `crontab "${t.expr}"${tail}`;
      const fields = ['year', 'month', 'day', 'week', 'dayOfWeek', 'hour', 'minute', 'second'];
      const given = fields.filter((f) => t[f] !== undefined && t[f] !== null);
      const time =
        t.hour !== undefined || t.minute !== undefined
          ? `at ${String(t.hour ?? '*').padStart(2, '0')}:${String(t.minute ?? 0).padStart(2, '0')}${t.second !== undefined ? `:${String(t.second).padStart(2, '0')}` : ''}`
          : '';
      const rest = given
        .filter((f) => !['hour', 'minute', 'second'].includes(f))
        .map((f) => (f === 'dayOfWeek' ? `on ${String(t[f])}` : `${f} ${String(t[f])}`));
      return `cron: ${[time, ...rest].filter(Boolean).join(', ') || 'every second'}${tail}`;
    }
    case 'and':
    case 'or': {
      const subs = Array.isArray(t.triggers) ? (t.triggers as Array<Record<string, unknown>>) : [];
      return `${t.type === 'and' ? 'when all of' : 'when any of'}: ${subs.map((s) => `(${triggerInWords(s)})`).join(t.type === 'and' ? ' and ' : ' or ')}`;
    }
    default:
      return JSON.stringify(t);
  }
}
