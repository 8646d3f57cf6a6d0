namespace NetSim.Tcp.Congestion;

/// <summary>
/// BBR's long-term bandwidth (tcp_bbr.c bbr_lt_bw_sampling() and friends): token-bucket policers
/// are recognised by two lossy intervals at the same delivery rate, whose average BBR then paces at
/// for 48 rounds.
/// </summary>
public sealed partial class Bbr
{
    private void ResetLongTermSamplingInterval()
    {
        var connection = Connection;
        _ltLastStampMs = connection.DeliveryRate.DeliveredTime.Microseconds / 1000;
        _ltLastDelivered = connection.Delivered;
        _ltLastLost = connection.LostTotal;
        _ltRttCount = 0;
    }

    private void ResetLongTermSampling()
    {
        _ltBw = 0;
        _ltUseBw = false;
        _ltIsSampling = false;
        ResetLongTermSamplingInterval();
    }

    /// <summary>bbr_lt_bw_interval_done(): two consecutive lossy intervals at about the same rate mean a policer: use their average.</summary>
    private void LongTermIntervalDone(ulong bw)
    {
        if (_ltBw > 0)
        {
            var diff = bw > _ltBw ? bw - _ltBw : _ltBw - bw;
            if (diff * BbrUnit <= LtBwRatio * _ltBw || RateBytesPerSecond(diff, BbrUnit) <= LtBwDiff)
            {
                _ltBw = (bw + _ltBw) >> 1;
                _ltUseBw = true;
                PacingGain = BbrUnit;
                _ltRttCount = 0;
                return;
            }
        }

        _ltBw = bw;
        ResetLongTermSamplingInterval();
    }

    /// <summary>bbr_lt_bw_sampling(): from the first loss, measure the delivery rate over intervals of 4 to 16 rounds that end in a loss rate of 20% or more.</summary>
    private void LongTermBandwidthSampling(long losses, bool appLimited)
    {
        var connection = Connection;
        if (_ltUseBw)
        {
            if (Mode == BbrMode.ProbeBw && RoundStart && ++_ltRttCount >= LtBwMaxRtts)
            {
                ResetLongTermSampling();
                ResetProbeBwMode();
            }

            return;
        }

        if (!_ltIsSampling)
        {
            if (losses == 0)
            {
                return;
            }

            ResetLongTermSamplingInterval();
            _ltIsSampling = true;
        }

        if (appLimited)
        {
            ResetLongTermSampling();
            return;
        }

        if (RoundStart)
        {
            _ltRttCount++;
        }

        if (_ltRttCount < LtIntervalMinRtts)
        {
            return;
        }

        if (_ltRttCount > 4 * LtIntervalMinRtts)
        {
            ResetLongTermSampling();
            return;
        }

        if (losses == 0)
        {
            return;
        }

        var lost = connection.LostTotal - _ltLastLost;
        var delivered = connection.Delivered - _ltLastDelivered;
        if (delivered == 0 || (lost << BbrScale) < LtLossThreshold * delivered)
        {
            return;
        }

        var t = (connection.DeliveryRate.DeliveredTime.Microseconds / 1000) - _ltLastStampMs;
        if (t < 1)
        {
            return;
        }

        if (t >= uint.MaxValue / 1000)
        {
            ResetLongTermSampling();
            return;
        }

        LongTermIntervalDone((ulong)delivered * BwUnit / (ulong)(t * 1000));
    }
}
