package dev.fallbackwatch.incidents;

import dev.fallbackwatch.detection.DetectionRunCompleted;
import dev.fallbackwatch.findings.FindingsChanged;
import dev.fallbackwatch.findings.RiskScore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Keeps incidents in step with their findings, inside the transaction that changed the findings.
 *
 * <p>After a detection run, each new finding joins the incident of its process instance (same device, process
 * file name and PID) whose span of buckets it touches: its bucket starts where the incident's last bucket ends
 * (the next consecutive bucket), ends where the incident's first bucket starts, or overlaps the span. Otherwise it
 * opens a new incident. Then every incident of the run's findings is brought up to date: first and last seen, its
 * span, the number of findings, the highest risk so far (it never goes down), and its status, OPEN while any of
 * its findings is open. A RESOLVED incident that receives a new finding therefore reopens instead of being
 * duplicated. After triage, the status of the triaged findings' incidents is brought up to date the same way.
 */
@Component
class IncidentTracker {

    /** Before the findings' own listener, which records the incident of each new finding in the change feed. */
    static final int ORDER = 50;

    private final IncidentRepository incidents;

    private final ApplicationEventPublisher events;

    private final Clock clock;

    IncidentTracker(IncidentRepository incidents, ApplicationEventPublisher events, Clock clock) {
        this.incidents = incidents;
        this.events = events;
        this.clock = clock;
    }

    @EventListener
    @Order(ORDER)
    void afterRun(DetectionRunCompleted run) {
        Instant now = clock.instant();
        Set<Long> created = link(incidents.unlinkedFindingsOfRun(run.runId()), run.runId(), now);
        refresh(incidents.incidentsOfRun(run.runId()), created, run.runId(), now);
    }

    /**
     * Links each of the run's new findings to the incident its bucket touches, or to a new one. The findings come
     * in bucket order, so a chain of consecutive buckets links up in one pass; when a bucket touches several
     * incidents it joins the oldest, and incidents are never merged. The incidents of the findings' process
     * instances are locked and matched in memory, and every change is written in a batch. Returns the ids of the
     * new incidents.
     */
    private Set<Long> link(List<IncidentRepository.UnlinkedFinding> unlinked, long runId, Instant now) {
        if (unlinked.isEmpty()) {
            return Set.of();
        }
        Map<ProcessInstance, List<Chain>> chains = lockedChains(runId);

        List<Chain> opened = new ArrayList<>();
        Map<Long, Chain> chainOfFinding = new LinkedHashMap<>();
        for (IncidentRepository.UnlinkedFinding finding : unlinked) {
            List<Chain> ofInstance = chains.computeIfAbsent(instance(finding), instance -> new ArrayList<>());
            Chain chain = ofInstance.stream()
                    .filter(candidate -> candidate.touches(finding))
                    .findFirst()
                    .orElseGet(() -> {
                        Chain fresh = Chain.opening(finding);
                        ofInstance.add(fresh);
                        opened.add(fresh);
                        return fresh;
                    });
            chain.widen(finding);
            chainOfFinding.put(finding.id(), chain);
        }

        Set<Long> created = storeOpened(opened, runId, now);
        storeWidened(chains.values());
        Map<Long, Long> incidentOfFinding = new LinkedHashMap<>();
        chainOfFinding.forEach((findingId, chain) -> incidentOfFinding.put(findingId, chain.id));
        incidents.link(incidentOfFinding);
        return created;
    }

    /** The stored incidents of the run's unlinked process instances, locked, each instance's in id order. */
    private Map<ProcessInstance, List<Chain>> lockedChains(long runId) {
        Map<ProcessInstance, List<Chain>> chains = new HashMap<>();
        for (IncidentRepository.Span span : incidents.lockSpansOfUnlinkedInstances(runId)) {
            chains.computeIfAbsent(span.instance(), instance -> new ArrayList<>())
                    .add(Chain.existing(span));
        }
        return chains;
    }

    /** Inserts the new incidents; they take ids in the order they were opened, as one insert after another would. */
    private Set<Long> storeOpened(List<Chain> opened, long runId, Instant now) {
        List<Long> ids = incidents.nextIds(opened.size());
        List<IncidentRepository.Opening> openings = new ArrayList<>();
        for (int i = 0; i < opened.size(); i++) {
            Chain chain = opened.get(i);
            chain.id = ids.get(i);
            openings.add(new IncidentRepository.Opening(chain.id, chain.opener, chain.windowStart, chain.windowEnd));
        }
        incidents.insert(openings, runId, now);
        return new HashSet<>(ids);
    }

    private void storeWidened(Collection<List<Chain>> chains) {
        incidents.widen(chains.stream()
                .flatMap(List::stream)
                .filter(chain -> chain.opener == null && chain.widened)
                .map(chain -> new IncidentRepository.Span(chain.id, null, chain.windowStart, chain.windowEnd))
                .toList());
    }

    private static ProcessInstance instance(IncidentRepository.UnlinkedFinding finding) {
        return new ProcessInstance(finding.deviceName(), finding.processFileName(), finding.processId());
    }

    /** An incident's span of buckets while findings are linked to it in memory. */
    private static final class Chain {

        /** The finding that opens a new incident; null for an incident already stored. */
        private final IncidentRepository.UnlinkedFinding opener;

        private Long id;

        private Instant windowStart;

        private Instant windowEnd;

        private boolean widened;

        private Chain(Long id, IncidentRepository.UnlinkedFinding opener, Instant windowStart, Instant windowEnd) {
            this.id = id;
            this.opener = opener;
            this.windowStart = windowStart;
            this.windowEnd = windowEnd;
        }

        static Chain existing(IncidentRepository.Span span) {
            return new Chain(span.id(), null, span.windowStart(), span.windowEnd());
        }

        static Chain opening(IncidentRepository.UnlinkedFinding finding) {
            return new Chain(null, finding, finding.windowStart(), finding.windowEnd());
        }

        /**
         * Its last bucket ends where the finding's begins, its first begins where the finding's ends, or both
         * overlap.
         */
        boolean touches(IncidentRepository.UnlinkedFinding finding) {
            return !windowStart.isAfter(finding.windowEnd()) && !windowEnd.isBefore(finding.windowStart());
        }

        void widen(IncidentRepository.UnlinkedFinding finding) {
            if (finding.windowStart().isBefore(windowStart)) {
                windowStart = finding.windowStart();
                widened = true;
            }
            if (finding.windowEnd().isAfter(windowEnd)) {
                windowEnd = finding.windowEnd();
                widened = true;
            }
        }
    }

    @EventListener
    void afterTriage(FindingsChanged changed) {
        if (changed.origin() != FindingsChanged.Origin.TRIAGE) {
            return;
        }
        List<Long> ids = changed.changes().stream()
                .map(change -> change.finding().incidentId())
                .filter(Objects::nonNull)
                .distinct()
                .toList();
        refresh(ids, Set.of(), null, clock.instant());
    }

    /** Recomputes the incidents from their findings, writes those that changed and announces them. */
    private void refresh(List<Long> ids, Set<Long> created, Long runId, Instant now) {
        if (ids.isEmpty()) {
            return;
        }
        Set<Long> sorted = new TreeSet<>(ids);
        List<Incident> current = incidents.lock(sorted);
        Map<Long, IncidentRepository.Aggregate> aggregates = incidents.aggregates(sorted).stream()
                .collect(Collectors.toMap(IncidentRepository.Aggregate::incidentId, Function.identity()));

        List<IncidentsChanged.Change> changes = new ArrayList<>();
        for (Incident incident : current) {
            boolean isNew = created.contains(incident.id());
            Incident next = next(incident, aggregates.get(incident.id()), isNew, now);
            if (isNew || !sameState(incident, next)) {
                changes.add(new IncidentsChanged.Change(next, kind(incident, next, isNew)));
            }
        }
        if (changes.isEmpty()) {
            return;
        }
        incidents.update(changes.stream().map(IncidentsChanged.Change::incident).toList(), runId);
        events.publishEvent(new IncidentsChanged(changes));
    }

    /** The incident as its findings now make it; a new incident keeps version 1. */
    static Incident next(Incident incident, IncidentRepository.Aggregate findings, boolean isNew, Instant now) {
        IncidentStatus status = findings.openFindings() > 0 ? IncidentStatus.OPEN : IncidentStatus.RESOLVED;
        boolean reopened = !isNew && incident.status() == IncidentStatus.RESOLVED && status == IncidentStatus.OPEN;
        Instant resolvedAt = status == IncidentStatus.OPEN
                ? null
                : incident.status() == IncidentStatus.RESOLVED ? incident.resolvedAt() : now;
        RiskScore highest = findings.highestRisk().compareTo(incident.highestRisk()) < 0
                ? findings.highestRisk()
                : incident.highestRisk();
        return new Incident(
                incident.id(),
                status,
                incident.deviceName(),
                incident.initiatingProcessFileName(),
                incident.initiatingProcessId(),
                findings.firstSeen(),
                findings.lastSeen(),
                findings.windowStart(),
                findings.windowEnd(),
                highest,
                findings.findingCount(),
                incident.reopenCount() + (reopened ? 1 : 0),
                incident.createdAt(),
                now,
                resolvedAt,
                isNew ? incident.version() : incident.version() + 1,
                null);
    }

    private static boolean sameState(Incident before, Incident after) {
        return before.status() == after.status()
                && before.firstSeen().equals(after.firstSeen())
                && before.lastSeen().equals(after.lastSeen())
                && before.windowStart().equals(after.windowStart())
                && before.windowEnd().equals(after.windowEnd())
                && before.highestRisk() == after.highestRisk()
                && before.findingCount() == after.findingCount();
    }

    private static IncidentsChanged.Kind kind(Incident before, Incident after, boolean isNew) {
        if (isNew) {
            return IncidentsChanged.Kind.CREATED;
        }
        return after.reopenCount() > before.reopenCount()
                ? IncidentsChanged.Kind.REOPENED
                : IncidentsChanged.Kind.UPDATED;
    }
}
