import { Badge, type BadgeProps } from "@mantine/core";

/** Statuses in plain words (not code words in capitals), with the colour of their badge. */
export const STATUS_WORDS: Record<string, { text: string; color: string }> = {
  // cases
  intake: { text: "Records intake", color: "gray" },
  evaluation: { text: "Evaluation", color: "blue" },
  planning: { text: "Planning", color: "indigo" },
  treatment: { text: "In treatment", color: "green" },
  "follow-up": { text: "Follow-up", color: "teal" },
  closed: { text: "Closed", color: "gray" },
  // plans
  draft: { text: "Draft (not approved)", color: "gray" },
  approved: { text: "Approved, not started", color: "blue" },
  active: { text: "In progress", color: "green" },
  completed: { text: "Completed", color: "teal" },
  withdrawn: { text: "Withdrawn", color: "red" },
  // eligibility verdicts
  suitable: { text: "Suitable", color: "green" },
  caution: { text: "Use with caution", color: "yellow" },
  "not-recommended": { text: "Not recommended", color: "red" },
  // records checklist
  present: { text: "Present", color: "green" },
  outdated: { text: "Outdated", color: "yellow" },
  missing: { text: "Missing", color: "red" },
};

/** A status badge that says the status in words, in full (no capitals, no truncation). */
export function StatusBadge({ status, ...rest }: { status: string } & Omit<BadgeProps, "children">) {
  const w = STATUS_WORDS[status];
  return (
    <Badge
      color={w?.color ?? "gray"}
      tt="none"
      {...rest}
      // the label is shown whole: a table cell sizes itself to it instead of cutting it to "Not r…"
      styles={{
        root: { maxWidth: "none", overflow: "visible", flexShrink: 0 },
        label: { overflow: "visible", textOverflow: "clip", whiteSpace: "nowrap" },
      }}
    >
      {w?.text ?? status}
    </Badge>
  );
}
