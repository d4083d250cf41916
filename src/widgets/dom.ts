/**
 * The element `selector` finds in a widget's `root`, checked to be a `type`. A widget's markup
 * comes from its Astro component; a missing or retyped element is a bug in that component, so
 * this throws an error naming the widget and the selector instead of letting the widget run
 * half-wired (the widget's client shows the error in its status line or the console).
 */
export function required<T extends Element>(
  widget: string,
  root: ParentNode,
  selector: string,
  type: abstract new () => T,
): T {
  const el = root.querySelector(selector);
  if (!(el instanceof type)) {
    throw new Error(`${widget}: ${selector} is missing from the widget's markup or is not a ${type.name}`);
  }
  return el;
}

/** `required` bound to one widget's name. */
export const elementFinder =
  (widget: string) =>
  <T extends Element>(root: ParentNode, selector: string, type: abstract new () => T): T =>
    required(widget, root, selector, type);
