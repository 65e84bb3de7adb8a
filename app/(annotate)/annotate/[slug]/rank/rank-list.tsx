// The outputs, best first, as rank groups: tied outputs share one bracketed group; drag, keys and buttons reorder them.
"use client";
import { DndContext, PointerSensor, closestCenter, useSensor, useSensors, type DragEndEvent } from "@dnd-kit/core";
import { SortableContext, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { useTranslations } from "next-intl";
import { OutputCard } from "./output-card";
import type { RankTask } from "./use-rank-task";

export function RankList({ task, renderExtras }: { task: RankTask; renderExtras: (outputId: string) => React.ReactNode }) {
  const t = useTranslations("rank");
  // Dragging is for pointers; the keyboard reorders with the shortcuts instead of dnd-kit's space-bar pickup.
  const screenReaderInstructions = { draggable: t("dragInstructions") };
  const { items, groups, rankOf, tied, itemRefs, move, tie, noneAcceptable } = task;
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }));
  const indexOf = new Map(items.map((o, i) => [o.id, i]));
  const byId = new Map(items.map((o) => [o.id, o]));

  function onItemKey(e: React.KeyboardEvent<HTMLElement>, index: number) {
    if (e.target !== e.currentTarget || e.ctrlKey || e.metaKey) return;
    if (/^[1-9]$/.test(e.key) && !e.altKey) {
      const to = Number(e.key) - 1;
      if (to < items.length) {
        e.preventDefault();
        move(index, to, true);
      }
    } else if (e.key === "ArrowUp" || e.key === "ArrowDown") {
      e.preventDefault();
      const to = index + (e.key === "ArrowUp" ? -1 : 1);
      if (to < 0 || to >= items.length) return;
      if (e.altKey || e.shiftKey) move(index, to);
      else itemRefs.current.get(items[to].id)?.focus();
    } else if (e.key === "t" || e.key === "T") {
      e.preventDefault();
      tie(index);
    } else if (e.key === "Enter") {
      e.preventDefault();
      void task.submit();
    }
  }

  function onDragEnd({ active, over }: DragEndEvent) {
    if (!over || active.id === over.id) return;
    move(indexOf.get(String(active.id))!, indexOf.get(String(over.id))!);
  }

  return (
    <DndContext id="rank-dnd" sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd} accessibility={{ screenReaderInstructions }}>
      <SortableContext items={items.map((i) => i.id)} strategy={verticalListSortingStrategy}>
        {noneAcceptable && (
          <p data-testid="none-acceptable-note" className="text-sm text-slate-600 dark:text-slate-400">
            {t("noneAcceptableNote")}
          </p>
        )}
        <ol className={`space-y-1 transition-opacity ${noneAcceptable ? "opacity-40 grayscale" : ""}`} data-testid="rank-list" data-none-acceptable={noneAcceptable ? "true" : undefined} aria-label={t("listLabel")}>
          {groups.map((group) => {
            const rank = rankOf.get(group[0])!;
            const isTie = group.length > 1;
            return (
              <li
                key={group[0]}
                data-testid="rank-group"
                data-rank={rank}
                data-size={group.length}
                className={isTie ? "rounded-xl border-2 border-dashed border-amber-400 bg-amber-50/60 p-2 dark:border-amber-600 dark:bg-amber-950/30" : ""}
              >
                {isTie && (
                  <p data-testid="tie-group-label" className="px-1 text-xs font-medium text-amber-800 dark:text-amber-300">
                    {t("tiedAt", { rank, labels: group.map((id) => byId.get(id)!.label).join(" = ") })}

                  </p>
                )}
                <ul>
                  {group.map((id) => {
                    const index = indexOf.get(id)!;
                    const o = byId.get(id)!;
                    return (
                      <OutputCard
                        key={id}
                        output={o}
                        index={index}
                        count={items.length}
                        rank={rank}
                        tied={index > 0 && tied.has(id)}
                        register={(el) => (el ? itemRefs.current.set(id, el) : itemRefs.current.delete(id))}
                        onKeyDown={(e) => onItemKey(e, index)}
                        onMove={(to) => move(index, to)}
                        onToggleTie={() => tie(index)}
                      >
                        {renderExtras(id)}
                      </OutputCard>
                    );
                  })}
                </ul>
              </li>
            );
          })}
        </ol>
      </SortableContext>
    </DndContext>
  );
}
