/** One example per trigger type, for the OpenAPI document and docs/api.md. */
export const TRIGGER_EXAMPLES = {
  cronFields: {
    summary: 'cron (APScheduler fields): weekdays at 09:30 Paris time',
    value: { type: 'cron', dayOfWeek: 'mon-fri', hour: 9, minute: 30, timezone: 'Europe/Paris' },
  },
  crontab: {
    summary: 'cron from a crontab string: midnight on the 1st-15th, May to August',
    value: { type: 'cron', expr: '0 0 1-15 may-aug *', timezone: 'UTC' },
  },
  interval: {
    summary: 'interval: every 90 minutes from a start date',
    value: { type: 'interval', hours: 1, minutes: 30, startDate: '2026-01-01T00:00:00Z' },
  },
  date: {
    summary: 'date: once, at a wall-clock time in a zone',
    value: { type: 'date', runDate: '2026-12-24 18:00:00', timezone: 'America/New_York' },
  },
  calendarinterval: {
    summary: 'calendarinterval: monthly at 08:00 on the last day when the date does not exist',
    value: {
      type: 'calendarinterval',
      months: 1,
      hour: 8,
      startDate: '2026-01-31',
      timezone: 'Europe/Berlin',
      monthEnd: 'clamp',
    },
  },
  and: {
    summary: 'and: the 3rd Friday of each month, only in even hours',
    value: {
      type: 'and',
      triggers: [
        { type: 'cron', day: '3rd fri', hour: '*/2' },
        { type: 'interval', hours: 2, startDate: '2026-01-01T00:00:00Z' },
      ],
    },
  },
  or: {
    summary: 'or: 09:00 on weekdays or 12:00 on weekends',
    value: {
      type: 'or',
      triggers: [
        { type: 'cron', dayOfWeek: 'mon-fri', hour: 9 },
        { type: 'cron', dayOfWeek: 'sat,sun', hour: 12 },
      ],
    },
  },
  apschedulerStyle: {
    summary: 'APScheduler style: trigger name + snake_case params',
    value: {
      trigger: 'cron',
      params: { day_of_week: 'mon-fri', hour: 9, start_date: '2026-01-01' },
      timezone: 'UTC',
    },
  },
} as const;
