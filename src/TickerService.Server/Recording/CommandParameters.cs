using System.Data.Common;

namespace TickerService.Server.Recording;

/// <summary>Adds an <c>@name</c> parameter to a command of either engine.</summary>
public static class CommandParameters
{
    public static DbParameter Add(this DbCommand command, string name, object? value = null)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
