/** What each tab of the console is: a titled section that loads when it is shown. */
export interface Panel {
  id: string;
  title: string;
  element: HTMLElement;
  /** Called each time the tab is opened. */
  show(): void;
  /** Called when another tab is opened (stop polling, …). */
  hide(): void;
}
