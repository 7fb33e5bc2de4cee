package dev.fallbackwatch.settings;

import dev.fallbackwatch.retention.RetentionProperties;
import dev.fallbackwatch.settings.SettingsAudit.Action;
import dev.fallbackwatch.settings.SettingsAudit.Resource;
import dev.fallbackwatch.web.FieldProblem;
import dev.fallbackwatch.web.Problems;
import dev.fallbackwatch.web.Versions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Changes settings in one transaction each: validate, lock, compare the version the client read, write, audit.
 * A change applies from the next detection run, which re-evaluates the whole lookback window with it.
 */
@Service
class SettingsService {

    private static final Logger log = LoggerFactory.getLogger(SettingsService.class);

    private final ThresholdStore thresholds;

    private final PortStore ports;

    private final ProcessExclusionStore processExclusions;

    private final DestinationExclusionStore destinationExclusions;

    private final SettingsAudit audit;

    private final Clock clock;

    private final RetentionProperties retention;

    SettingsService(
            ThresholdStore thresholds,
            PortStore ports,
            ProcessExclusionStore processExclusions,
            DestinationExclusionStore destinationExclusions,
            SettingsAudit audit,
            Clock clock,
            RetentionProperties retention) {
        this.thresholds = thresholds;
        this.ports = ports;
        this.processExclusions = processExclusions;
        this.destinationExclusions = destinationExclusions;
        this.audit = audit;
        this.clock = clock;
        this.retention = retention;
    }

    Versioned<ThresholdSettings> thresholds() {
        return thresholds.get();
    }

    @Transactional
    Versioned<ThresholdSettings> replaceThresholds(ThresholdSettings settings, String ifMatch, String actor) {
        rejectIfAny(settings.inconsistencies(retention.maxLookbackHours()));
        Versioned<ThresholdSettings> current = thresholds.getForUpdate();
        Versions.requireMatch(ifMatch, current.version(), "The thresholds");

        thresholds.write(settings);

        Versioned<ThresholdSettings> updated = thresholds.get();
        audit.record(Resource.THRESHOLDS, null, Action.UPDATE, current.value(), updated.value(), actor);
        log.info("Settings changed resource=thresholds version={} by={}", updated.version(), actor);
        return updated;
    }

    Versioned<PortList> ports() {
        return ports.get();
    }

    @Transactional
    Versioned<PortList> replacePorts(PortList list, String ifMatch, String actor) {
        rejectIfAny(list.inconsistencies());
        Versioned<PortList> current = ports.getForUpdate();
        Versions.requireMatch(ifMatch, current.version(), "The port list");

        ports.replace(list);

        Versioned<PortList> updated = ports.get();
        audit.record(Resource.PORTS, null, Action.UPDATE, current.value(), updated.value(), actor);
        log.info(
                "Settings changed resource=ports version={} count={} by={}",
                updated.version(),
                list.ports().size(),
                actor);
        return updated;
    }

    List<ProcessExclusion> processExclusions() {
        return processExclusions.findAll();
    }

    ProcessExclusion processExclusion(long id) {
        return processExclusions.find(id).orElseThrow(() -> Problems.notFound("Process exclusion", id));
    }

    @Transactional
    ProcessExclusion createProcessExclusion(ProcessExclusionRequest request, String actor) {
        ProcessExclusionRequest entry = checked(request);

        long id = insertUnique(() -> processExclusions.insert(entry, actor));

        ProcessExclusion created = processExclusion(id);
        audit.record(Resource.PROCESS_EXCLUSION, id, Action.CREATE, null, created, actor);
        log.info("Settings changed resource=process-exclusions id={} action=CREATE by={}", id, actor);
        return created;
    }

    @Transactional
    ProcessExclusion replaceProcessExclusion(long id, ProcessExclusionRequest request, String ifMatch, String actor) {
        ProcessExclusionRequest entry = checked(request);
        ProcessExclusion current =
                processExclusions.findForUpdate(id).orElseThrow(() -> Problems.notFound("Process exclusion", id));
        Versions.requireMatch(ifMatch, current.version(), "Process exclusion " + id);

        insertUnique(() -> {
            processExclusions.update(id, entry);
            return id;
        });

        ProcessExclusion updated = processExclusion(id);
        audit.record(Resource.PROCESS_EXCLUSION, id, Action.UPDATE, current, updated, actor);
        log.info("Settings changed resource=process-exclusions id={} action=UPDATE by={}", id, actor);
        return updated;
    }

    @Transactional
    void deleteProcessExclusion(long id, String ifMatch, String actor) {
        ProcessExclusion current =
                processExclusions.findForUpdate(id).orElseThrow(() -> Problems.notFound("Process exclusion", id));
        Versions.requireMatch(ifMatch, current.version(), "Process exclusion " + id);

        processExclusions.delete(id);

        audit.record(Resource.PROCESS_EXCLUSION, id, Action.DELETE, current, null, actor);
        log.info("Settings changed resource=process-exclusions id={} action=DELETE by={}", id, actor);
    }

    List<DestinationExclusion> destinationExclusions() {
        return destinationExclusions.findAll();
    }

    DestinationExclusion destinationExclusion(long id) {
        return destinationExclusions.find(id).orElseThrow(() -> Problems.notFound("Destination exclusion", id));
    }

    @Transactional
    DestinationExclusion createDestinationExclusion(DestinationExclusionRequest request, String actor) {
        DestinationExclusionRequest entry = checked(request);

        long id = destinationExclusions.insert(entry, actor);

        DestinationExclusion created = destinationExclusion(id);
        audit.record(Resource.DESTINATION_EXCLUSION, id, Action.CREATE, null, created, actor);
        log.info("Settings changed resource=destination-exclusions id={} action=CREATE by={}", id, actor);
        return created;
    }

    @Transactional
    DestinationExclusion replaceDestinationExclusion(
            long id, DestinationExclusionRequest request, String ifMatch, String actor) {
        DestinationExclusionRequest entry = checked(request);
        DestinationExclusion current = destinationExclusions
                .findForUpdate(id)
                .orElseThrow(() -> Problems.notFound("Destination exclusion", id));
        Versions.requireMatch(ifMatch, current.version(), "Destination exclusion " + id);

        destinationExclusions.update(id, entry);

        DestinationExclusion updated = destinationExclusion(id);
        audit.record(Resource.DESTINATION_EXCLUSION, id, Action.UPDATE, current, updated, actor);
        log.info("Settings changed resource=destination-exclusions id={} action=UPDATE by={}", id, actor);
        return updated;
    }

    @Transactional
    void deleteDestinationExclusion(long id, String ifMatch, String actor) {
        DestinationExclusion current = destinationExclusions
                .findForUpdate(id)
                .orElseThrow(() -> Problems.notFound("Destination exclusion", id));
        Versions.requireMatch(ifMatch, current.version(), "Destination exclusion " + id);

        destinationExclusions.delete(id);

        audit.record(Resource.DESTINATION_EXCLUSION, id, Action.DELETE, current, null, actor);
        log.info("Settings changed resource=destination-exclusions id={} action=DELETE by={}", id, actor);
    }

    /**
     * Checks candidate settings as their own endpoints would, without touching anything.
     *
     * @return the candidate with each entry normalised
     */
    SettingsPreviewRequest checked(SettingsPreviewRequest candidate) {
        List<FieldProblem> problems = new ArrayList<>();
        if (candidate.thresholds() != null) {
            problems.addAll(
                    prefixed("thresholds.", candidate.thresholds().inconsistencies(retention.maxLookbackHours())));
        }
        if (candidate.ports() != null) {
            problems.addAll(prefixed("ports.", candidate.ports().inconsistencies()));
        }
        List<ProcessExclusionRequest> processes = null;
        if (candidate.processExclusions() != null) {
            processes = new ArrayList<>();
            for (int i = 0; i < candidate.processExclusions().size(); i++) {
                List<FieldProblem> entryProblems = new ArrayList<>();
                processes.add(checked(candidate.processExclusions().get(i), entryProblems));
                problems.addAll(prefixed("processExclusions[" + i + "].", entryProblems));
            }
        }
        List<DestinationExclusionRequest> destinations = null;
        if (candidate.destinationExclusions() != null) {
            destinations = new ArrayList<>();
            for (int i = 0; i < candidate.destinationExclusions().size(); i++) {
                List<FieldProblem> entryProblems = new ArrayList<>();
                destinations.add(checked(candidate.destinationExclusions().get(i), entryProblems));
                problems.addAll(prefixed("destinationExclusions[" + i + "].", entryProblems));
            }
        }
        rejectIfAny(problems);
        return new SettingsPreviewRequest(
                candidate.thresholds(), candidate.ports(), processes, destinations, candidate.windowEnd());
    }

    /**
     * Writes candidate settings into the tables, without versions or audit, for a preview whose transaction is
     * rolled back. Lists given replace the stored lists whole.
     */
    void applyCandidate(SettingsPreviewRequest candidate) {
        if (candidate.thresholds() != null) {
            thresholds.write(candidate.thresholds());
        }
        if (candidate.ports() != null) {
            ports.replace(candidate.ports());
        }
        if (candidate.processExclusions() != null) {
            processExclusions.deleteAll();
            for (ProcessExclusionRequest entry : candidate.processExclusions()) {
                insertUnique(() -> processExclusions.insert(entry, "preview"));
            }
        }
        if (candidate.destinationExclusions() != null) {
            destinationExclusions.deleteAll();
            candidate.destinationExclusions().forEach(entry -> destinationExclusions.insert(entry, "preview"));
        }
    }

    private ProcessExclusionRequest checked(ProcessExclusionRequest request) {
        List<FieldProblem> problems = new ArrayList<>();
        ProcessExclusionRequest entry = checked(request, problems);
        rejectIfAny(problems);
        return entry;
    }

    private ProcessExclusionRequest checked(ProcessExclusionRequest request, List<FieldProblem> problems) {
        ProcessExclusionRequest entry = request.normalized();
        checkFuture(entry.expiresAt(), problems);
        return entry;
    }

    private DestinationExclusionRequest checked(DestinationExclusionRequest request) {
        List<FieldProblem> problems = new ArrayList<>();
        DestinationExclusionRequest entry = checked(request, problems);
        rejectIfAny(problems);
        return entry;
    }

    private DestinationExclusionRequest checked(DestinationExclusionRequest request, List<FieldProblem> problems) {
        DestinationExclusionRequest entry = DestinationRules.normalize(request.normalized(), problems);
        checkFuture(entry.expiresAt(), problems);
        return entry;
    }

    private void checkFuture(Instant expiresAt, List<FieldProblem> problems) {
        if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
            problems.add(new FieldProblem("expiresAt", "must be in the future; delete the entry to stop it now"));
        }
    }

    private static long insertUnique(java.util.function.LongSupplier write) {
        try {
            return write.getAsLong();
        } catch (DuplicateKeyException ex) {
            throw Problems.problem(
                    HttpStatus.CONFLICT,
                    "duplicate-exclusion",
                    "Duplicate exclusion",
                    "An exclusion with the same process name and scope exists already; change that one instead.");
        }
    }

    private static List<FieldProblem> prefixed(String prefix, List<FieldProblem> problems) {
        return problems.stream()
                .map(problem -> new FieldProblem(prefix + problem.field(), problem.message()))
                .toList();
    }

    private static void rejectIfAny(List<FieldProblem> problems) {
        if (!problems.isEmpty()) {
            throw Problems.invalid(problems);
        }
    }
}
