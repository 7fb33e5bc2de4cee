package dev.fallbackwatch.detection;

/**
 * How a run evaluates the window, decided inside its transaction once it holds the run lock.
 *
 * @param evaluation the whole window, or only the buckets of the backlog
 * @param fullReason why the run is full; {@code null} for an incremental run
 * @param settingsChangeCount rows of {@code settings_audit} the run saw: a later run that sees more evaluates in
 *     full
 */
record EvaluationPlan(DetectionRun.Evaluation evaluation, String fullReason, long settingsChangeCount) {

    static EvaluationPlan full(String reason, long settingsChangeCount) {
        return new EvaluationPlan(DetectionRun.Evaluation.FULL, reason, settingsChangeCount);
    }

    static EvaluationPlan incremental(long settingsChangeCount) {
        return new EvaluationPlan(DetectionRun.Evaluation.INCREMENTAL, null, settingsChangeCount);
    }

    boolean isFull() {
        return evaluation == DetectionRun.Evaluation.FULL;
    }
}
