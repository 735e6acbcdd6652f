/** What a page calls on a `ConfirmDialog` it holds with `bind:this`. */
export interface DialogHandle {
  open(): void;
  close(): void;
}
