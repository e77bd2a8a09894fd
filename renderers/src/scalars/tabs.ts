// The dashboard's tab bar: one tab per kind of data present, Scalars first; the chosen tab survives updates.
export type TabId = 'scalars' | 'histograms' | 'distributions' | 'images' | 'text' | 'hparams' | 'pr';

export const TAB_LABELS: Record<TabId, string> = {
  scalars: 'Scalars',
  histograms: 'Histograms',
  distributions: 'Distributions',
  images: 'Images',
  text: 'Text',
  hparams: 'HParams',
  pr: 'PR curves',
};

export const TAB_ORDER: TabId[] = ['scalars', 'histograms', 'distributions', 'images', 'text', 'hparams', 'pr'];

export class TabBar {
  readonly el: HTMLElement;
  private readonly buttons = new Map<TabId, HTMLButtonElement>();
  active: TabId | null = null;
  /** The user picked this tab (it stays picked while it exists). */
  private chosen: TabId | null = null;

  constructor(
    private readonly doc: Document,
    private readonly onSelect: (tab: TabId) => void,
  ) {
    this.el = doc.createElement('div');
    this.el.className = 'mv-ScalarsTabs';
    this.el.setAttribute('role', 'tablist');
  }

  /** Show the tabs in `present`; returns the active tab (or null when none). */
  setTabs(present: Set<TabId>): TabId | null {
    const tabs = TAB_ORDER.filter((t) => present.has(t));
    for (const t of tabs) {
      if (this.buttons.has(t)) continue;
      const b = this.doc.createElement('button');
      b.type = 'button';
      b.setAttribute('role', 'tab');
      b.dataset.tab = t;
      b.textContent = TAB_LABELS[t];
      b.addEventListener('click', () => {
        this.chosen = t;
        this.select(t);
      });
      this.buttons.set(t, b);
    }
    for (const [t, b] of this.buttons) {
      if (present.has(t)) continue;
      b.remove();
      this.buttons.delete(t);
    }
    this.el.replaceChildren(...tabs.map((t) => this.buttons.get(t)!));
    this.el.hidden = tabs.length === 0;
    const want =
      this.chosen && present.has(this.chosen)
        ? this.chosen
        : this.active && present.has(this.active)
          ? this.active
          : (tabs[0] ?? null);
    if (want !== this.active) {
      if (want) this.select(want);
      else this.active = null;
    }
    return this.active;
  }

  select(t: TabId): void {
    this.active = t;
    for (const [id, b] of this.buttons) b.setAttribute('aria-selected', String(id === t));
    this.onSelect(t);
  }
}
