/** The fields of a task's forms (creation and edit), in the order they are shown. */
export const TASK_FIELDS = ['title', 'assigneeId', 'due', 'details'] as const;
export type TaskFieldName = (typeof TASK_FIELDS)[number];
export interface TaskFieldValues {
  title: string;
  assigneeId: string;
  due: string;
  details: string;
}
