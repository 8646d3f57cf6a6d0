using NetSim.Sim.Kernel;

namespace NetSim.Sim.Network.Queues;

/// <summary>
/// PIE's controller (RFC 8033) as Linux computes it in net/sched/sch_pie.c, in the kernel's units
/// and integer arithmetic: times in psched ticks (1,024 ns), the drop probability as a 56-bit
/// fraction of MAX_PROB. Every update interval pie_calculate_probability() moves the probability
/// by alpha times the delay's distance from target plus beta times its change, with alpha and
/// beta scaled down while the probability is small; pie_drop_early() drops by it, after a 150 ms
/// burst allowance, never below half the target with a small probability, and with the
/// accumulated probability kept between 0.85 and 8.5 so that drops are neither bunched nor
/// starved; pie_process_dequeue() measures the delay (the packet's sojourn time, or, with the
/// drain-rate estimator, the backlog over the rate measured across 16 KiB) and spends the burst
/// allowance.
/// </summary>
public sealed class PieController(PieParameters parameters)
{
    /// <summary>MAX_PROB: a probability of one.</summary>
    public const ulong MaxProbability = ulong.MaxValue >> 8;

    /// <summary>QUEUE_THRESHOLD: bytes for one drain-rate measurement, and the backlog it needs.</summary>
    private const uint QueueThreshold = 16384;

    private const int Scale = 8;
    private const ulong TimeInvalid = ulong.MaxValue;
    private const ulong CountInvalid = ulong.MaxValue;

    /// <summary>PSCHED_TICKS_PER_SEC.</summary>
    private const ulong TicksPerSecond = 1_000_000_000 >> 10;

    private readonly ulong _target = Ticks(parameters.Target);
    private PieVariables _vars = PieVariables.Initial;

    /// <summary>When the next update falls due: pie_init() arms the timer half a second after the qdisc is made.</summary>
    private SimTime _nextUpdate = SimTime.FromMilliseconds(500);

    public PieParameters Parameters { get; } = parameters;

    /// <summary>The variables of pie_vars, whose values after an update tell whether another would change them.</summary>
    public PieVariables Variables => _vars;

    /// <summary>The drop probability, from 0 to 1 (it may pass 1 for a while, as the kernel's may).</summary>
    public double Probability => (double)_vars.Probability / MaxProbability;

    /// <summary>The queueing delay of the last update or dequeue.</summary>
    public SimTime QueueDelay => SimTime.FromNanoseconds((long)Math.Min(_vars.QueueDelay << 10, long.MaxValue));

    /// <summary>Whether the probability is low enough for sch_pie's ECN marking instead of dropping (at most MAX_PROB / 10).</summary>
    public bool MayMark => _vars.Probability <= MaxProbability / 10;

    /// <summary>Whether the probability is at most <paramref name="percent"/>% as sch_fq_pie computes it ((MAX_PROB / 100) * ecn_prob).</summary>
    public bool ProbabilityAtMost(int percent) => _vars.Probability <= MaxProbability / 100 * (ulong)percent;

    /// <summary>psched_get_time(): nanoseconds to psched ticks (PSCHED_NS2TICKS).</summary>
    public static ulong Ticks(SimTime time) => (ulong)time.Nanoseconds >> 10;

    /// <summary>pie_drop_early(): whether an arriving packet is dropped (or marked), given the backlog before it.</summary>
    public bool DropEarly(long backlog, int packetBytes, int mtu, Random random)
    {
        if (_vars.BurstTime > 0)
        {
            return false;
        }

        if (_vars.QueueDelay < _target / 2 && _vars.Probability < MaxProbability / 5)
        {
            return false;
        }

        // Fewer than two MTU-sized packets queued: as RED's min_th.
        if (backlog < 2L * mtu)
        {
            return false;
        }

        var local = Parameters.ByteMode && packetBytes <= mtu
            ? (ulong)packetBytes * (_vars.Probability / (ulong)mtu)
            : _vars.Probability;
        _vars.AccumulatedProbability = local == 0 ? 0 : unchecked(_vars.AccumulatedProbability + local);
        if (_vars.AccumulatedProbability < MaxProbability / 100 * 85)
        {
            return false;
        }

        if (_vars.AccumulatedProbability >= MaxProbability / 2 * 17)
        {
            return true;
        }

        // get_random_bytes(): 64 random bits, of which the top 56 are compared.
        var random64 = unchecked((ulong)random.NextInt64(long.MinValue, long.MaxValue));
        if (random64 >> 8 < local)
        {
            _vars.AccumulatedProbability = 0;
            return true;
        }

        return false;
    }

    /// <summary>pie_qdisc_enqueue(): a drop (the queue's limit or an early one) starts the accumulation again.</summary>
    public void ForgetAccumulatedProbability() => _vars.AccumulatedProbability = 0;

    /// <summary>pie_process_dequeue(): the delay measurement, and the burst allowance spent; <paramref name="backlog"/> is after the packet left.</summary>
    public void Dequeued(SimTime now, SimTime enqueuedAt, long backlog, int packetBytes)
    {
        var tick = Ticks(now);
        uint elapsed = 0;
        if (!Parameters.DequeueRateEstimator)
        {
            _vars.QueueDelay = unchecked(tick - Ticks(enqueuedAt));
            if (_vars.DequeueStamp != TimeInvalid)
            {
                elapsed = unchecked((uint)(tick - _vars.DequeueStamp));
            }

            _vars.DequeueStamp = tick;
            if (backlog == 0)
            {
                _vars.QueueDelay = 0;
            }

            if (elapsed == 0)
            {
                return;
            }
        }
        else
        {
            if (backlog >= QueueThreshold && _vars.DequeueCount == CountInvalid)
            {
                _vars.DequeueStamp = tick;
                _vars.DequeueCount = 0;
            }

            if (_vars.DequeueCount == CountInvalid)
            {
                return;
            }

            _vars.DequeueCount = unchecked(_vars.DequeueCount + (ulong)packetBytes);
            if (_vars.DequeueCount < QueueThreshold)
            {
                return;
            }

            var count = unchecked((uint)(_vars.DequeueCount << Scale));
            elapsed = unchecked((uint)(tick - _vars.DequeueStamp));
            if (elapsed == 0)
            {
                return;
            }

            count /= elapsed;
            _vars.AverageDequeueRate = _vars.AverageDequeueRate == 0
                ? count
                : _vars.AverageDequeueRate - (_vars.AverageDequeueRate >> 3) + (count >> 3);

            // Below the threshold the last rate is kept; otherwise the next measurement starts now.
            if (backlog < QueueThreshold)
            {
                _vars.DequeueCount = CountInvalid;
            }
            else
            {
                _vars.DequeueCount = 0;
                _vars.DequeueStamp = tick;
            }
        }

        _vars.BurstTime = _vars.BurstTime > elapsed ? _vars.BurstTime - elapsed : 0;
    }

    /// <summary>
    /// pie_timer(): the updates due by <paramref name="now"/>, with the <paramref name="backlog"/>
    /// that has stood since the last arrival or departure. Nothing an update reads changes between
    /// those, so the owner runs them when it is next used, before the packet; the updates after
    /// one that leaves the state as it is are passed over at once (an idle queue's are all alike).
    /// </summary>
    public void RunDueUpdates(SimTime now, long backlog)
    {
        var interval = Parameters.Update;
        while (_nextUpdate <= now)
        {
            var before = _vars;
            Update(backlog);
            _nextUpdate += interval;
            if (_vars == before && _nextUpdate <= now)
            {
                _nextUpdate += SimTime.FromNanoseconds((((now - _nextUpdate).Nanoseconds / interval.Nanoseconds) + 1) * interval.Nanoseconds);
            }
        }
    }

    /// <summary>pie_calculate_probability(), run every update interval with the backlog in bytes.</summary>
    public void Update(long backlog)
    {
        var backlog32 = unchecked((uint)backlog);
        ulong delay;
        ulong delayOld;
        var updateProbability = true;
        if (Parameters.DequeueRateEstimator)
        {
            delayOld = _vars.QueueDelay;
            _vars.QueueDelayOld = _vars.QueueDelay;
            delay = _vars.AverageDequeueRate > 0 ? unchecked(backlog32 << Scale) / _vars.AverageDequeueRate : 0;
        }
        else
        {
            delay = _vars.QueueDelay;
            delayOld = _vars.QueueDelayOld;
        }

        // A backlog too small to show a delay leaves the probability alone this round.
        if (delay == 0 && backlog32 != 0)
        {
            updateProbability = false;
        }

        // alpha and beta are in sixteenths of a hertz, scaled down while the probability is light (RFC 8033 §4.2).
        var alpha = (ulong)Parameters.Alpha * (MaxProbability / TicksPerSecond) >> 4;
        var beta = (ulong)Parameters.Beta * (MaxProbability / TicksPerSecond) >> 4;
        if (_vars.Probability < MaxProbability / 10)
        {
            alpha >>= 1;
            beta >>= 1;
            for (ulong power = 100; _vars.Probability < MaxProbability / power && power <= 1_000_000; power *= 10)
            {
                alpha >>= 2;
                beta >>= 2;
            }
        }

        var delta = unchecked((long)(alpha * (delay - _target)) + (long)(beta * (delay - delayOld)));
        var oldProbability = _vars.Probability;

        // Steps of at most 2% once the probability is above 10%; 2% more above 250 ms of delay.
        if (delta > (long)(MaxProbability / 50) && _vars.Probability >= MaxProbability / 10)
        {
            delta = (long)(MaxProbability / 100 * 2);
        }

        if (delay > Ticks(SimTime.FromMilliseconds(250)))
        {
            delta += (long)(MaxProbability / 50);
        }

        _vars.Probability = unchecked(_vars.Probability + (ulong)delta);
        if (delta > 0)
        {
            if (_vars.Probability < oldProbability)
            {
                _vars.Probability = MaxProbability;
                updateProbability = false;
            }
        }
        else if (_vars.Probability > oldProbability)
        {
            _vars.Probability = 0;
        }

        // No delay for two intervals: the probability decays by 1/64.
        if (delay == 0 && delayOld == 0 && updateProbability)
        {
            _vars.Probability -= _vars.Probability / 64;
        }

        _vars.QueueDelay = delay;

        // Low delay for two intervals and no probability left: a new measurement cycle, with a new burst allowance.
        if (_vars.QueueDelay < _target / 2 && _vars.QueueDelayOld < _target / 2 && _vars.Probability == 0
            && (!Parameters.DequeueRateEstimator || _vars.AverageDequeueRate > 0))
        {
            _vars = _vars.Restarted();
        }

        if (!Parameters.DequeueRateEstimator)
        {
            _vars.QueueDelayOld = delay;
        }
    }
}
